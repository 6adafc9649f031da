// Portal behaviour shared by every page: the live notification bell and its toasts.
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

  // A new notification: first in the bell's dropdown, and a toast for a few seconds.
  function addToList(payload) {
    var list = document.querySelector("[data-bell-list]");
    if (!list) return;
    var empty = list.querySelector("[data-bell-empty]");
    if (empty) empty.remove();
    var item = document.createElement("li");
    item.className = "unread";
    var link = document.createElement("a");
    link.href = "/notifications/" + payload.id + "/open/";
    link.textContent = payload.title;
    item.appendChild(link);
    list.insertBefore(item, list.firstChild);
  }

  function toast(payload) {
    var box = document.querySelector("[data-toasts]");
    if (!box) return;
    var note = document.createElement("a");
    note.className = "toast";
    note.href = "/notifications/" + payload.id + "/open/";
    note.setAttribute("data-testid", "toast");
    var title = document.createElement("strong");
    title.textContent = payload.title;
    note.appendChild(title);
    if (payload.body) {
      var body = document.createElement("span");
      body.textContent = payload.body;
      note.appendChild(body);
    }
    box.appendChild(note);
    setTimeout(function () { note.remove(); }, 8000);
  }

  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + window.location.host + socketPath);
    socket.onopen = function () { retryDelay = 1000; };
    socket.onmessage = function (event) {
      var message = JSON.parse(event.data);
      if (message.type !== "notification") return;
      var payload = message.payload || {};
      if (typeof payload.unread_count === "number") showUnread(payload.unread_count);
      if (payload.title) { addToList(payload); toast(payload); }
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

// Instead of inline event handlers (the Content-Security-Policy allows none):
// data-confirm="question" on a form or a submit button asks before submitting;
// data-autosubmit on a select sends its form when the choice changes.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = (event.submitter && event.submitter.dataset.confirm) || form.dataset.confirm;
    if (question && !window.confirm(question)) event.preventDefault();
  });
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.matches && field.matches("select[data-autosubmit]") && field.form) field.form.requestSubmit();
  });
})();
