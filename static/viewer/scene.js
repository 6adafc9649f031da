// How the video sits on the print (the manifest's `scene`, docs/VIEWER.md), drawn with
// three.js. The one implementation for the /view page (on the tracked print) and for the
// portal's preview (on the photo), so the preview shows exactly what a phone will.
// Units: the print is 1 wide and `aspect` (height / width) tall, centred on the origin.

export const DEFAULT_SCENE = Object.freeze({
  fit: "cover",
  scale: 1,
  offset_x: 0,
  offset_y: 0,
  corner_radius: 0,
  chroma_key_enabled: false,
  chroma_key_color: "#00ff00",
  chroma_key_tolerance: 0.3,
  loop: true,
  sound_on: true,
  fade_in_ms: 0,
  before_ready: "poster",
  overlay_url: null,
});

const VERTEX = `
varying vec2 vUv;
void main() {
  vUv = uv;
  gl_Position = projectionMatrix * modelViewMatrix * vec4(position, 1.0);
}`;

// Colours pass through untouched (no colour-space conversion), so the key colour a studio
// picks as #rrggbb is compared with the video's own sRGB values.
const FRAGMENT = `
uniform sampler2D map;
uniform vec4 uvBox;
uniform vec2 size;
uniform float radius;
uniform bool keyOn;
uniform vec3 keyColor;
uniform float tolerance;
uniform float opacity;
varying vec2 vUv;

vec2 chroma(vec3 c) {
  return vec2(-0.168736 * c.r - 0.331264 * c.g + 0.5 * c.b, 0.5 * c.r - 0.418688 * c.g - 0.081312 * c.b);
}

void main() {
  if (radius > 0.0) {
    vec2 q = abs((vUv - 0.5) * size) - (size * 0.5 - vec2(radius));
    if (length(max(q, 0.0)) > radius) discard;
  }
  vec4 colour = texture2D(map, uvBox.xy + vUv * uvBox.zw);
  float alpha = colour.a * opacity;
  if (keyOn) {
    float distance = length(chroma(colour.rgb) - chroma(keyColor));
    alpha *= smoothstep(tolerance * 0.4, tolerance * 0.4 + 0.06, distance);
  }
  if (alpha < 0.004) discard;
  gl_FragColor = vec4(colour.rgb, alpha);
}`;

function material(THREE) {
  return new THREE.ShaderMaterial({
    vertexShader: VERTEX,
    fragmentShader: FRAGMENT,
    transparent: true,
    depthWrite: false,
    uniforms: {
      map: { value: null },
      uvBox: { value: new THREE.Vector4(0, 0, 1, 1) },
      size: { value: new THREE.Vector2(1, 1) },
      radius: { value: 0 },
      keyOn: { value: false },
      keyColor: { value: new THREE.Color(0, 1, 0) },
      tolerance: { value: 0.3 },
      opacity: { value: 1 },
    },
  });
}

function hexToRgb(hex) {
  const match = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex || "");
  return match ? match.slice(1).map((part) => parseInt(part, 16) / 255) : [0, 1, 0];
}

function loadTexture(THREE, url) {
  const loader = new THREE.TextureLoader();
  if (new URL(url, window.location.href).origin !== window.location.origin) loader.setCrossOrigin("anonymous");
  return new Promise((resolve, reject) => loader.load(url, resolve, undefined, reject));
}

// The video's box (scale × the print, moved by the offsets) and what of the video fills it.
export function placeVideo(scene, aspect, mediaRatio) {
  const boxWidth = scene.scale;
  const boxHeight = scene.scale * aspect;
  let width = boxWidth;
  let height = boxHeight;
  let uv = [0, 0, 1, 1];
  const boxRatio = boxWidth / boxHeight;
  if (scene.fit === "contain") {
    if (mediaRatio > boxRatio) height = boxWidth / mediaRatio;
    else width = boxHeight * mediaRatio;
  } else if (scene.fit === "cover") {
    if (mediaRatio > boxRatio) {
      const shown = boxRatio / mediaRatio;
      uv = [(1 - shown) / 2, 0, shown, 1];
    } else {
      const shown = mediaRatio / boxRatio;
      uv = [0, (1 - shown) / 2, 1, shown];
    }
  }
  return { width, height, x: scene.offset_x, y: scene.offset_y * aspect, uv };
}

// The video plane and the overlay for one print. `clip` is the <video>; `posterUrl` what
// shows before it plays (when the scene says so); `videoRatio` the video's width / height
// from the manifest, until the clip knows its own.
export function createPlacement(THREE, { aspect, clip, posterUrl = null, videoRatio = 16 / 9 }) {
  const group = new THREE.Group();
  const videoTexture = new THREE.VideoTexture(clip);
  const videoMaterial = material(THREE);
  const plane = new THREE.Mesh(new THREE.PlaneGeometry(1, 1), videoMaterial);
  plane.position.z = 0.001;
  plane.visible = false;
  const overlayMaterial = material(THREE);
  const overlay = new THREE.Mesh(new THREE.PlaneGeometry(1, aspect), overlayMaterial);
  overlay.position.z = 0.002;
  overlay.renderOrder = 2;
  overlay.visible = false;
  group.add(plane, overlay);

  let scene = { ...DEFAULT_SCENE };
  let poster = null;
  let overlayUrl = null;
  let playingSince = null;
  let disposed = false;

  const mediaRatio = () => {
    if (clip.videoWidth && clip.videoHeight) return clip.videoWidth / clip.videoHeight;
    if (poster && poster.image && poster.image.width) return poster.image.width / poster.image.height;
    return videoRatio || 16 / 9;
  };
  const layout = () => {
    const placed = placeVideo(scene, aspect, mediaRatio());
    plane.scale.set(placed.width, placed.height, 1);
    plane.position.set(placed.x, placed.y, 0.001);
    const uniforms = videoMaterial.uniforms;
    uniforms.uvBox.value.set(...placed.uv);
    uniforms.size.value.set(placed.width, placed.height);
    uniforms.radius.value = scene.corner_radius * Math.min(placed.width, placed.height);
  };
  const onPlaying = () => {
    if (playingSince === null) playingSince = performance.now();
  };
  const onEmptied = () => {
    playingSince = null;
  };
  clip.addEventListener("loadedmetadata", layout);
  clip.addEventListener("playing", onPlaying);
  clip.addEventListener("emptied", onEmptied);
  if (posterUrl) {
    loadTexture(THREE, posterUrl)
      .then((texture) => {
        if (disposed) return texture.dispose();
        poster = texture;
        layout();
      })
      .catch(() => {});
  }

  function setOverlay(url) {
    if (url === overlayUrl) return;
    overlayUrl = url;
    const previous = overlayMaterial.uniforms.map.value;
    overlayMaterial.uniforms.map.value = null;
    overlay.visible = false;
    if (previous) previous.dispose();
    if (!url) return;
    loadTexture(THREE, url)
      .then((texture) => {
        if (disposed || url !== overlayUrl) return texture.dispose();
        overlayMaterial.uniforms.map.value = texture;
        overlay.visible = true;
      })
      .catch(() => {});
  }

  return {
    group,
    // Take new settings (a whole or partial scene; missing fields are the defaults).
    apply(next) {
      scene = { ...DEFAULT_SCENE, ...(next || {}) };
      clip.loop = Boolean(scene.loop);
      const uniforms = videoMaterial.uniforms;
      uniforms.keyOn.value = Boolean(scene.chroma_key_enabled);
      uniforms.keyColor.value.setRGB(...hexToRgb(scene.chroma_key_color));
      uniforms.tolerance.value = Number(scene.chroma_key_tolerance) || 0;
      setOverlay(scene.overlay_url || null);
      layout();
    },
    get scene() {
      return scene;
    },
    // Once per frame: the poster until the video plays, then the video fading in.
    tick(now = performance.now()) {
      const uniforms = videoMaterial.uniforms;
      const playing = playingSince !== null && clip.readyState >= 2;
      if (playing) {
        uniforms.map.value = videoTexture;
        const fade = Number(scene.fade_in_ms) || 0;
        uniforms.opacity.value = fade > 0 ? Math.min(1, (now - playingSince) / fade) : 1;
        plane.visible = true;
      } else if (scene.before_ready === "poster" && poster) {
        uniforms.map.value = poster;
        uniforms.opacity.value = 1;
        plane.visible = true;
      } else {
        plane.visible = false;
      }
    },
    dispose() {
      disposed = true;
      clip.removeEventListener("loadedmetadata", layout);
      clip.removeEventListener("playing", onPlaying);
      clip.removeEventListener("emptied", onEmptied);
      videoTexture.dispose();
      if (poster) poster.dispose();
      if (overlayMaterial.uniforms.map.value) overlayMaterial.uniforms.map.value.dispose();
      videoMaterial.dispose();
      overlayMaterial.dispose();
    },
  };
}
