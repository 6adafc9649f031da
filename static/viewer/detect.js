// What this browser can do, to pick web AR or the plain video on the page.

// Built-in browsers of social and messaging apps: most cannot use the camera.
const IN_APP_BROWSER = new RegExp(
  [
    "Instagram", "FBAN", "FBAV", "FB_IAB", "FBIOS", "FB4A", "VKClient", "VKAndroidApp", "com\\.vkontakte",
    "Telegram", "MicroMessenger", "Line/", "Snapchat", "TikTok", "musical_ly", "BytedanceWebview",
    "Twitter", "Pinterest", "OKApp", "OdnoklassnikiApp", "; wv\\)",
  ].join("|"),
  "i",
);

export function isInAppBrowser(userAgent = navigator.userAgent) {
  return IN_APP_BROWSER.test(userAgent || "");
}

export function canUseCamera() {
  return Boolean(window.isSecureContext && navigator.mediaDevices && navigator.mediaDevices.getUserMedia);
}

export function canUseWebGL() {
  try {
    const canvas = document.createElement("canvas");
    return Boolean(window.WebGLRenderingContext && (canvas.getContext("webgl2") || canvas.getContext("webgl")));
  } catch {
    return false;
  }
}

// Why web AR cannot run here (a fallback reason), or null when it can be tried.
export function fallbackReason(manifest) {
  if (isInAppBrowser()) return "in_app";
  if (!manifest.web_target_url) return "no_target";
  if (!canUseCamera()) return "no_camera";
  if (!canUseWebGL()) return "no_webgl";
  return null;
}

// A getUserMedia failure as a fallback reason.
export function cameraErrorReason(error) {
  const name = error && error.name;
  if (name === "NotAllowedError" || name === "SecurityError" || name === "PermissionDeniedError") return "camera_denied";
  if (name === "NotFoundError" || name === "OverconstrainedError" || name === "NotReadableError") return "no_camera";
  return "error";
}
