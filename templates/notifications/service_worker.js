// Shows the portal's Web Push messages (notifications/webpush.py sends title, body, url, tag).
self.addEventListener("push", (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (error) {
    data = { title: event.data ? event.data.text() : "" };
  }
  event.waitUntil(
    self.registration.showNotification(data.title || "ARVlite", {
      body: data.body || "",
      tag: data.tag,
      data: { url: data.url || "/" },
    })
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = new URL(event.notification.data.url || "/", self.location.origin);
  if (target.origin !== self.location.origin) return; // only pages of this site
  event.waitUntil(
    self.clients.matchAll({ type: "window" }).then((windows) => {
      const open = windows.find((w) => w.url === target.href && "focus" in w);
      return open ? open.focus() : self.clients.openWindow(target.href);
    })
  );
});
