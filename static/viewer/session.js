// Session reports to POST /api/viewer/ar/<uid>/sessions: start, a heartbeat every few
// seconds, end when the page goes away. Watch time counts only while the video plays;
// `position_seconds` is the furthest point of the video reached (the end, once it ended or looped).

function newSessionId() {
  if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export class SessionReporter {
  constructor(url, heartbeatSeconds) {
    this.id = newSessionId();
    this.url = url;
    this.heartbeatMs = Math.max(1, heartbeatSeconds) * 1000;
    this.videoId = null;
    this.played = false;
    this.quality = "loading";
    this.watchedMs = 0;
    this.furthest = 0;
    this.lastTime = 0;
    this.playingSince = null;
    this.timer = null;
    this.ended = false;
  }

  // Follow a <video>: watch time and "played" come from its own events.
  watch(video) {
    video.addEventListener("playing", () => {
      this.played = true;
      if (this.playingSince === null) this.playingSince = performance.now();
    });
    for (const name of ["pause", "waiting", "ended", "emptied"]) video.addEventListener(name, () => this.stopClock());
    const reachedEnd = () => {
      if (Number.isFinite(video.duration)) this.furthest = Math.max(this.furthest, Math.ceil(video.duration));
    };
    video.addEventListener("ended", reachedEnd);
    video.addEventListener("timeupdate", () => {
      // A loop starts again from 0: the time jumps back from near the end.
      const wrapped = this.lastTime - video.currentTime > 0.5 && video.duration - this.lastTime < 1.5;
      if (wrapped) reachedEnd();
      this.lastTime = video.currentTime;
      this.furthest = Math.max(this.furthest, Math.floor(video.currentTime));
    });
  }

  stopClock() {
    if (this.playingSince !== null) this.watchedMs += performance.now() - this.playingSince;
    this.playingSince = null;
  }

  watchedSeconds() {
    const running = this.playingSince === null ? 0 : performance.now() - this.playingSince;
    return Math.round((this.watchedMs + running) / 1000);
  }

  begin(videoId) {
    this.videoId = videoId;
    this.send("start");
    this.timer = setInterval(() => this.send("heartbeat"), this.heartbeatMs);
    window.addEventListener("pagehide", () => this.end());
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "hidden") this.send("heartbeat", true);
    });
  }

  end() {
    if (this.ended) return;
    this.ended = true;
    clearInterval(this.timer);
    this.send("end", true);
  }

  send(event, leaving = false) {
    const body = JSON.stringify({
      session_id: this.id,
      event,
      duration_seconds: this.watchedSeconds(),
      video_id: this.videoId,
      video_played: this.played,
      position_seconds: this.furthest,
      tracking_quality: this.quality,
    });
    // A beacon survives the page closing; fetch with keepalive is the second choice.
    if (leaving && navigator.sendBeacon) {
      try {
        if (navigator.sendBeacon(this.url, new Blob([body], { type: "application/json" }))) return;
      } catch {
        // Some browsers refuse a JSON blob in a beacon: fall through to fetch.
      }
    }
    fetch(this.url, {
      method: "POST",
      body,
      keepalive: leaving,
      credentials: "same-origin",
      headers: { "Content-Type": "application/json" },
    }).catch(() => {});
  }
}
