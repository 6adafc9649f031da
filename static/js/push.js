// "Turn on browser notifications": registers the service worker, subscribes with the
// server's VAPID key and hands the subscription to the API; "off" does the reverse.
(function () {
  const card = document.getElementById("push-card");
  if (!card) return;
  const state = card.querySelector('[data-testid="push-state"]');
  const onButton = card.querySelector('[data-testid="push-on"]');
  const offButton = card.querySelector('[data-testid="push-off"]');
  const csrf = (document.cookie.match(/(?:^|; )csrftoken=([^;]+)/) || [])[1] || "";

  function show(kind) {
    state.textContent = state.dataset[kind];
    onButton.hidden = kind !== "off";
    offButton.hidden = kind !== "on";
  }

  function keyBytes(base64url) {
    const padded = (base64url + "===".slice((base64url.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
  }

  function send(method, body) {
    return fetch(card.dataset.endpoint, {
      method: method,
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": decodeURIComponent(csrf) },
      body: JSON.stringify(body),
    }).then((response) => {
      if (!response.ok) throw new Error("HTTP " + response.status);
    });
  }

  if (!("serviceWorker" in navigator) || !("PushManager" in window)) {
    show("unsupported");
    return;
  }
  const ready = navigator.serviceWorker.register(card.dataset.worker, { scope: "/" }).then(() => navigator.serviceWorker.ready);

  ready.then((registration) => registration.pushManager.getSubscription()).then((subscription) => {
    if (Notification.permission === "denied") return show("denied");
    if (!subscription) return show("off");
    // This browser may have been turned on by someone else who used it before: hand the
    // subscription to whoever is signed in now, so their messages (not the other's) come.
    return send("POST", subscription.toJSON()).then(() => show("on"), () => show("off"));
  });

  onButton.addEventListener("click", () => {
    onButton.disabled = true;
    Notification.requestPermission()
      .then((permission) => {
        if (permission !== "granted") throw new Error(permission);
        return ready;
      })
      .then((registration) =>
        registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(card.dataset.vapidKey) })
      )
      .then((subscription) => send("POST", subscription.toJSON()))
      .then(() => show("on"))
      .catch(() => show(Notification.permission === "denied" ? "denied" : "off"))
      .finally(() => { onButton.disabled = false; });
  });

  offButton.addEventListener("click", () => {
    ready
      .then((registration) => registration.pushManager.getSubscription())
      .then((subscription) => subscription && send("DELETE", { endpoint: subscription.endpoint }).then(() => subscription.unsubscribe()))
      .then(() => show("off"));
  });
})();
