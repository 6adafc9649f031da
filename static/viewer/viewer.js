// The /view page: fetch the manifest (this counts the view), then web AR when the browser
// can do it, else the video on the page. State on <body data-ar-state>:
// loading → scanning ⇄ tracking, or → fallback (final) from any of them.
import { startAR } from "./ar.js";
import { cameraErrorReason, fallbackReason } from "./detect.js";
import { SessionReporter } from "./session.js";

const config = JSON.parse(document.getElementById("viewer-config").textContent);
const body = document.body;
const stage = document.querySelector("[data-stage]");
const clip = document.querySelector("[data-clip]");
const unmuteButton = document.querySelector("[data-action=unmute]");
const watchButton = document.querySelector("[data-action=watch]");
const session = new SessionReporter(config.sessionsUrl, config.heartbeatSeconds);
let manifest = null;
let stopAR = null;
let tracked = false;

function setState(state) {
  if (body.dataset.arState === "fallback") return;
  body.dataset.arState = state;
  if (state === "tracking") tracked = true;
  if (!tracked && state === "scanning") session.quality = "scanning";
  if (tracked) session.quality = "tracking";
}

async function loadManifest() {
  const url = new URL(config.manifestUrl, window.location.href);
  url.searchParams.set("src", "web");
  url.searchParams.set("sid", session.id);
  if (config.copy) url.searchParams.set("c", config.copy);
  const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
  if (!response.ok) throw new Error(`manifest answered ${response.status}`);
  return response.json();
}

function isCrossOrigin(url) {
  return new URL(url, window.location.href).origin !== window.location.origin;
}

// WebGL may only draw a video from another origin when it was fetched with CORS.
function loadClip({ forTexture }) {
  const video = manifest.video;
  if (forTexture && isCrossOrigin(video.video_url)) clip.crossOrigin = "anonymous";
  else clip.removeAttribute("crossorigin");
  if (video.thumbnail_url && sceneSettings().before_ready !== "nothing") clip.poster = video.thumbnail_url;
  clip.loop = sceneSettings().loop !== false;
  clip.preload = "auto";
  clip.src = video.video_url;
}

function sceneSettings() {
  return (manifest && manifest.scene) || {};
}

function play() {
  // With sound on by default the clip starts unmuted where the browser allows it (after a
  // tap); otherwise muted, which autoplay allows nearly everywhere, with "Tap to unmute".
  // Failing both, the controls let the visitor start it.
  const muted = () => {
    clip.muted = true;
    clip.play().catch(() => {
      clip.controls = true;
    });
  };
  if (sceneSettings().sound_on === false || !clip.muted) {
    if (sceneSettings().sound_on === false) clip.muted = true;
    clip.play().catch(muted);
    return;
  }
  clip.muted = false;
  clip.play().catch(muted);
}

function refreshUnmute() {
  unmuteButton.hidden = !(clip.muted && !clip.paused);
}

function fallback(reason) {
  if (stopAR) stopAR();
  stopAR = null;
  for (const hint of document.querySelectorAll(".viewer-hint[data-reason]")) {
    hint.hidden = hint.dataset.reason !== reason;
  }
  if (!tracked) session.quality = reason;
  setState("fallback");
  if (!manifest) return;
  if (!clip.getAttribute("src") || clip.hasAttribute("crossorigin")) loadClip({ forTexture: false });
  clip.controls = true;
  play();
}

async function runAR() {
  loadClip({ forTexture: true });
  try {
    stopAR = await startAR({
      stage,
      clip,
      targetUrl: manifest.web_target_url,
      modules: config.modules,
      settings: sceneSettings(),
      poster: sceneSettings().before_ready === "poster" ? manifest.video.thumbnail_url : null,
      videoRatio: manifest.video.width && manifest.video.height ? manifest.video.width / manifest.video.height : null,
      onFound: () => {
        setState("tracking");
        play();
      },
      onLost: () => {
        setState("scanning");
        clip.pause();
      },
    });
  } catch (error) {
    fallback(cameraErrorReason(error));
    return;
  }
  if (body.dataset.arState === "loading") setState("scanning");
}

async function main() {
  session.watch(clip);
  clip.addEventListener("timeupdate", () => {
    if (clip.currentTime > 0 && !clip.paused) body.dataset.videoState = "playing";
    refreshUnmute();
  });
  clip.addEventListener("pause", () => {
    body.dataset.videoState = "paused";
    refreshUnmute();
  });
  clip.addEventListener("volumechange", refreshUnmute);
  unmuteButton.addEventListener("click", () => {
    clip.muted = false;
    play();
    refreshUnmute();
  });
  watchButton.addEventListener("click", () => fallback("manual"));

  try {
    manifest = await loadManifest();
  } catch {
    fallback("unavailable");
    return;
  }
  session.begin(manifest.video.id);
  const reason = fallbackReason(manifest);
  if (reason) fallback(reason);
  else await runAR();
}

main();
