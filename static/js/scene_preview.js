// The content page's scene preview: the marker photo seen straight on, with the video placed
// on it by static/viewer/scene.js — the code the /view page runs on the tracked print — and
// redrawn as the form changes, without a reload.

const config = JSON.parse(document.getElementById("scene-preview-config").textContent);
const canvas = document.querySelector("[data-scene-preview]");
const form = document.querySelector("[data-scene-form]");
const MARGIN = 1.15; // a little room around the print, for a video larger than it

function formScene() {
  if (!form) return { ...config.scene };
  const data = new FormData(form);
  const number = (name) => Number(data.get(name));
  const scene = {
    fit: data.get("fit"),
    scale: number("scale"),
    offset_x: number("offset_x"),
    offset_y: number("offset_y"),
    corner_radius: number("corner_radius"),
    chroma_key_enabled: data.has("chroma_key_enabled"),
    chroma_key_color: data.get("chroma_key_color"),
    chroma_key_tolerance: number("chroma_key_tolerance"),
    loop: data.has("loop"),
    sound_on: data.has("sound_on"),
    fade_in_ms: number("fade_in_ms"),
    before_ready: data.get("before_ready"),
    overlay_url: config.scene.overlay_url,
  };
  const picker = form.querySelector("[name=overlay]");
  const file = picker && picker.files[0];
  if (file) scene.overlay_url = overlayPreviewUrl(file);
  if (data.has("remove_overlay")) scene.overlay_url = null;
  return scene;
}

let chosenFile = null;
let chosenUrl = null;
function overlayPreviewUrl(file) {
  if (file !== chosenFile) {
    if (chosenUrl) URL.revokeObjectURL(chosenUrl);
    chosenFile = file;
    chosenUrl = URL.createObjectURL(file);
  }
  return chosenUrl;
}

function showValues() {
  if (!form) return;
  for (const output of form.querySelectorAll("output[data-for]")) {
    output.textContent = form.elements[output.dataset.for].value;
  }
}

// A grey 16:9 stand-in while the content has no video yet.
function placeholderClip() {
  const clip = document.createElement("video");
  const painter = document.createElement("canvas");
  painter.width = 320;
  painter.height = 180;
  const context = painter.getContext("2d");
  context.fillStyle = "#868e96";
  context.fillRect(0, 0, 320, 180);
  context.fillStyle = "#f1f3f5";
  context.beginPath();
  context.moveTo(140, 60);
  context.lineTo(190, 90);
  context.lineTo(140, 120);
  context.fill();
  clip.muted = true;
  clip.srcObject = painter.captureStream(1);
  return clip;
}

function loadImage(THREE, url) {
  return new Promise((resolve, reject) => new THREE.TextureLoader().load(url, resolve, undefined, reject));
}

async function main() {
  const [THREE, { createPlacement }] = await Promise.all([import(config.modules.three), import(config.modules.scene)]);
  const photo = config.photo ? await loadImage(THREE, config.photo).catch(() => null) : null;
  if (photo) photo.colorSpace = THREE.SRGBColorSpace;
  const aspect = photo && photo.image.width ? photo.image.height / photo.image.width : config.aspect;

  let clip;
  if (config.video) {
    clip = document.createElement("video");
    Object.assign(clip, { muted: true, playsInline: true, preload: "auto", src: config.video });
  } else {
    clip = placeholderClip();
  }
  const renderer = new THREE.WebGLRenderer({ canvas, alpha: true, antialias: true, preserveDrawingBuffer: true });
  const scene = new THREE.Scene();
  const camera = new THREE.OrthographicCamera();
  const fit = () => {
    const width = canvas.clientWidth || 480;
    const height = Math.round(width * Math.min(aspect, 1.5));
    renderer.setPixelRatio(Math.min(window.devicePixelRatio || 1, 2));
    renderer.setSize(width, height, false);
    const viewRatio = width / height;
    let halfHeight = (aspect / 2) * MARGIN;
    let halfWidth = halfHeight * viewRatio;
    if (halfWidth < 0.5 * MARGIN) {
      halfWidth = 0.5 * MARGIN;
      halfHeight = halfWidth / viewRatio;
    }
    Object.assign(camera, { left: -halfWidth, right: halfWidth, top: halfHeight, bottom: -halfHeight, near: -10, far: 10 });
    camera.updateProjectionMatrix();
  };
  if (photo) scene.add(new THREE.Mesh(new THREE.PlaneGeometry(1, aspect), new THREE.MeshBasicMaterial({ map: photo })));
  const placement = createPlacement(THREE, { aspect, clip, posterUrl: config.poster, videoRatio: config.videoRatio });
  scene.add(placement.group);

  const update = () => {
    showValues();
    const settings = formScene();
    placement.apply(settings);
    canvas.dataset.fit = settings.fit; // for people reading the page's state, and tests
  };
  update();
  if (form) {
    form.addEventListener("input", update);
    form.addEventListener("change", update);
    const reset = form.querySelector("[data-scene-reset]");
    if (reset) reset.addEventListener("click", () => {
      for (const [name, value] of Object.entries(config.defaults)) {
        const field = form.elements[name];
        if (!field) continue;
        if (field.type === "checkbox") field.checked = Boolean(value);
        else field.value = value;
      }
      update();
    });
  }
  fit();
  window.addEventListener("resize", fit);
  clip.addEventListener("playing", () => {
    canvas.dataset.playing = "true";
  });
  clip.play().catch(() => {});
  renderer.setAnimationLoop(() => {
    placement.tick();
    renderer.render(scene, camera);
  });
  canvas.dataset.ready = "true";
}

main().catch((error) => {
  canvas.dataset.ready = "failed";
  console.warn("scene preview:", error);
});
