// Portal behaviour shared by every page: the live notification bell.
(function () {
  "use strict";
  var socketPath = document.body.dataset.notificationsSocket;
  if (!socketPath || !("WebSocket" in window)) return;

  var badge = document.querySelector("[data-unread-count]");
  var retryDelay = 1000;

  function showUnread(count) {
    if (!badge) return;
    badge.textContent = String(count);
    badge.hidden = count <= 0;
  }

  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + window.location.host + socketPath);
    socket.onopen = function () { retryDelay = 1000; };
    socket.onmessage = function (event) {
      var message = JSON.parse(event.data);
      if (message.type === "notification" && typeof message.payload.unread_count === "number") {
        showUnread(message.payload.unread_count);
      }
    };
    // Reconnect with backoff (up to a minute) after a deploy or a network blip; a refused
    // connection (signed out) closes with 4401 and is not retried.
    socket.onclose = function (event) {
      if (event.code === 4401) return;
      setTimeout(connect, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 60000);
    };
  }
  connect();
})();
