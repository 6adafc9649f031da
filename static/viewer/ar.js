// Web AR: the camera picture, MindAR's image tracker (Controller level) and the three.js
// scene (static/viewer/scene.js) that carries the video over the printed photo.
import { createPlacement } from "./scene.js";

async function openCamera(stage) {
  const stream = await navigator.mediaDevices.getUserMedia({ audio: false, video: { facingMode: "environment" } });
  const video = document.createElement("video");
  video.setAttribute("playsinline", "");
  video.muted = true;
  video.className = "viewer-camera";
  stage.prepend(video);
  video.srcObject = stream;
  await new Promise((resolve, reject) => {
    video.addEventListener("loadedmetadata", resolve, { once: true });
    video.addEventListener("error", () => reject(new Error("camera video failed")), { once: true });
  });
  await video.play();
  // MindAR reads the element's width/height attributes: without them it sees empty frames.
  video.width = video.videoWidth;
  video.height = video.videoHeight;
  return video;
}

function releaseCamera(video) {
  for (const track of video.srcObject ? video.srcObject.getTracks() : []) track.stop();
  video.remove();
}

// Fit the camera picture to the stage (cover) and match the 3D camera to what shows of it.
function layout(stage, video, renderer, camera, projection) {
  // As MindAR does: after a turn of the phone the tracker sees the new frame size here.
  video.width = video.videoWidth;
  video.height = video.videoHeight;
  const width = stage.clientWidth;
  const height = stage.clientHeight;
  const videoRatio = video.videoWidth / video.videoHeight;
  let shownWidth = width;
  let shownHeight = width / videoRatio;
  if (videoRatio > width / height) {
    shownHeight = height;
    shownWidth = height * videoRatio;
  }
  Object.assign(video.style, {
    left: `${(width - shownWidth) / 2}px`,
    top: `${(height - shownHeight) / 2}px`,
    width: `${shownWidth}px`,
    height: `${shownHeight}px`,
  });
  camera.fov = (2 * Math.atan((1 / projection[5]) * (height / shownHeight)) * 180) / Math.PI;
  camera.near = projection[14] / (projection[10] - 1);
  camera.far = projection[14] / (projection[10] + 1);
  camera.aspect = width / height;
  camera.updateProjectionMatrix();
  renderer.setSize(width, height);
  Object.assign(renderer.domElement.style, { left: "0", top: "0" });
}

// The print's anchor, moved by the tracker, carrying the scene (static/viewer/scene.js).
function buildScene(THREE, placement, markerWidth, markerHeight) {
  const scene = new THREE.Scene();
  const anchor = new THREE.Group();
  anchor.matrixAutoUpdate = false;
  anchor.visible = false;
  scene.add(anchor);
  anchor.add(placement.group);
  // MindAR's pose is in marker pixels from a corner; the scene is centred and one unit wide.
  const offset = new THREE.Matrix4().compose(
    new THREE.Vector3(markerWidth / 2, markerHeight / 2, 0),
    new THREE.Quaternion(),
    new THREE.Vector3(markerWidth, markerWidth, markerWidth),
  );
  return { scene, anchor, offset };
}

// Start web AR in `stage`; calls onFound/onLost as the print comes and goes.
// Resolves with a stop() function once the tracker runs; rejects when anything fails.
// `settings` is the manifest's scene; `poster` and `videoRatio` come from its video.
export async function startAR({ stage, clip, targetUrl, modules, settings, poster, videoRatio, onFound, onLost }) {
  const loaded = await Promise.allSettled([openCamera(stage), import(modules.three), import(modules.mindar)]);
  const failed = loaded.find((result) => result.status === "rejected");
  if (loaded[0].status === "fulfilled" && failed) releaseCamera(loaded[0].value);
  if (failed) throw failed.reason; // the camera's error first: it names the reason
  const [video, THREE, MindAR] = loaded.map((result) => result.value);
  const stopCamera = () => releaseCamera(video);
  let controller;
  let renderer;
  try {
    let visible = false;
    let world = null;
    controller = new MindAR.Controller({
      inputWidth: video.videoWidth,
      inputHeight: video.videoHeight,
      maxTrack: 1,
      onUpdate: (update) => {
        if (update.type !== "updateMatrix") return;
        world = update.worldMatrix;
        if (world && !visible) onFound();
        if (!world && visible) onLost();
        visible = Boolean(world);
      },
    });
    const { dimensions } = await controller.addImageTargets(targetUrl);
    const [markerWidth, markerHeight] = dimensions[0];
    renderer = new THREE.WebGLRenderer({ alpha: true, antialias: true });
    renderer.setPixelRatio(Math.min(window.devicePixelRatio || 1, 2));
    stage.append(renderer.domElement);
    const camera = new THREE.PerspectiveCamera();
    const placement = createPlacement(THREE, {
      aspect: markerHeight / markerWidth,
      clip,
      posterUrl: poster,
      videoRatio,
    });
    placement.apply(settings);
    const { scene, anchor, offset } = buildScene(THREE, placement, markerWidth, markerHeight);
    const dispose = () => placement.dispose();
    const fit = () => layout(stage, video, renderer, camera, controller.getProjectionMatrix());
    fit();
    window.addEventListener("resize", fit);
    renderer.setAnimationLoop(() => {
      anchor.visible = Boolean(world);
      if (world) anchor.matrix.fromArray(world).multiply(offset);
      placement.tick();
      renderer.render(scene, camera);
    });
    controller.dummyRun(video); // compiles the GPU kernels before the first real frame
    controller.processVideo(video);
    return () => {
      window.removeEventListener("resize", fit);
      controller.dispose();
      renderer.setAnimationLoop(null);
      renderer.domElement.remove();
      renderer.dispose();
      dispose();
      stopCamera();
    };
  } catch (error) {
    if (controller) controller.dispose();
    if (renderer) renderer.domElement.remove();
    stopCamera();
    throw error;
  }
}
