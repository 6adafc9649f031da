import { C as o, a as r } from "./controller-mGt1s8dJ.js";
import { U as i } from "./ui-fBadYuor.js";
window.MINDAR || (window.MINDAR = {});
window.MINDAR.IMAGE = {
  Controller: o,
  Compiler: r,
  UI: i
};
export {
  r as Compiler,
  o as Controller,
  i as UI
};
