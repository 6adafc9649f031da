// Video uploads with tus (resumable): parts of 8 MiB, automatic retries after a network
// error, and resuming after a page reload (tus-js-client remembers unfinished uploads in
// localStorage by file fingerprint). Without JavaScript the form posts the whole file.
//
// Before a byte is sent, the file is checked the way the server will check it, as far as a
// browser can tell: its size against the server's limit (data-max-bytes), its type or
// extension (data-types, data-extensions) and its first bytes (a video container's
// signature). The server's own refusal is shown as its one sentence, never as raw JSON.
// After 100 % the table is fetched again (htmx), so the new row shows "Processing…" and
// keeps polling until the video is ready: no page reload.
(function () {
  "use strict";
  var box = document.getElementById("video-upload");
  if (!box || !window.tus || !window.tus.isSupported) return;
  var form = box.querySelector("[data-upload-form]");
  var input = form.querySelector("input[type=file]");
  var title = form.querySelector("input[name=title]");
  var button = form.querySelector("button[type=submit]");
  var bar = form.querySelector("[data-progress-bar]");
  var progress = form.querySelector("[data-progress]");
  var text = form.querySelector("[data-progress-text]");
  var statusLine = form.querySelector("[data-upload-status]");
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var maxBytes = parseInt(box.dataset.maxBytes, 10) || 0;
  var types = (box.dataset.types || "").split(",").filter(Boolean);
  var extensions = (box.dataset.extensions || "").split(",").filter(Boolean);
  var template = box.querySelector("template[data-messages]");

  function message(name) {
    var node = template && template.content.querySelector('[data-message="' + name + '"]');
    return node ? node.textContent.trim() : name;
  }

  function say(sentence, isError) {
    statusLine.textContent = sentence;
    statusLine.classList.toggle("errors", Boolean(isError));
    statusLine.classList.toggle("muted", !isError);
  }

  function show(percent) {
    progress.hidden = false;
    bar.style.width = percent + "%";
    text.textContent = percent + " %";
  }

  function extensionOf(name) {
    var dot = name.lastIndexOf(".");
    return dot < 0 ? "" : name.slice(dot + 1).toLowerCase();
  }

  // The leading bytes of the containers the server accepts (MP4/MOV, WebM/MKV, AVI, MPEG).
  function looksLikeVideo(head) {
    var ascii = function (from, to) { return String.fromCharCode.apply(null, head.slice(from, to)); };
    if (head.length < 12) return false;
    if (["ftyp", "moov", "mdat", "free", "wide", "skip", "pnot"].indexOf(ascii(4, 8)) >= 0) return true;
    if (head[0] === 0x1a && head[1] === 0x45 && head[2] === 0xdf && head[3] === 0xa3) return true;
    if (ascii(0, 4) === "RIFF" && ascii(8, 12) === "AVI ") return true;
    return head[0] === 0 && head[1] === 0 && head[2] === 1 && (head[3] === 0xba || head[3] === 0xb3);
  }

  // Resolves to the reason the server would refuse the file, or "" when it may be a video.
  function refusal(file) {
    if (file.size === 0) return Promise.resolve(message("empty"));
    if (maxBytes && file.size > maxBytes) return Promise.resolve(message("too-large"));
    var typeOk = file.type ? types.indexOf(file.type) >= 0 || file.type.indexOf("video/") === 0 : false;
    if (!typeOk && extensions.indexOf(extensionOf(file.name)) < 0) return Promise.resolve(message("not-video"));
    return file.slice(0, 16).arrayBuffer().then(function (buffer) {
      return looksLikeVideo(Array.from(new Uint8Array(buffer))) ? "" : message("not-video");
    }, function () { return ""; });  // unreadable here: let the server decide
  }

  // The server's sentence from the documented error body: the first field error, else its message.
  function serverSentence(error) {
    var response = error && error.originalResponse;
    if (!response) return "";
    try {
      var body = JSON.parse(response.getBody() || "{}");
      var errors = body.errors || {};
      for (var field in errors) {
        var list = errors[field];
        if (Array.isArray(list) && list.length && typeof list[0] === "string") return list[0];
      }
      return typeof body.message === "string" ? body.message : "";
    } catch (ignored) {
      return "";
    }
  }

  function refreshTable() {
    if (window.htmx) window.htmx.trigger(document.body, "videos-changed");
  }

  function reset() {
    button.disabled = false;
  }

  function start(file) {
    var upload = new window.tus.Upload(file, {
      endpoint: box.dataset.endpoint,
      chunkSize: parseInt(box.dataset.chunkSize, 10) || 8 * 1024 * 1024,
      retryDelays: [0, 1000, 3000, 5000, 10000, 20000],
      headers: { "X-CSRFToken": csrf },
      metadata: { filename: file.name, title: title.value.trim() },
      removeFingerprintOnSuccess: true,
      onError: function (error) {
        var status = error.originalResponse ? error.originalResponse.getStatus() : 0;
        if (status >= 400 && status < 500) {
          say(serverSentence(error) || message("refused"), true);
          progress.hidden = true;
        } else {
          say(message("stopped"), true);
        }
        reset();
        refreshTable();  // a refused file may have left nothing, or a failed row
      },
      // Network trouble and server hiccups are retried; a refusal (4xx) is final, except
      // 409 (the offset moved: tus re-reads it) and 423 (locked by a parallel request).
      onShouldRetry: function (error) {
        var status = error.originalResponse ? error.originalResponse.getStatus() : 0;
        var retry = status === 0 || status >= 500 || status === 409 || status === 423;
        if (retry) say(message("retrying"));
        return retry;
      },
      onProgress: function (sent, total) { show(Math.floor((100 * sent) / total)); },
      onSuccess: function () {
        show(100);
        say(message("done"));
        form.reset();
        reset();
        refreshTable();
      },
    });
    upload.findPreviousUploads().then(function (previous) {
      if (previous.length) {
        upload.resumeFromPreviousUpload(previous[0]);
        say(message("resuming"));
      }
      upload.start();
    });
  }

  input.addEventListener("change", function () {
    say("");
    progress.hidden = true;
    if (!input.files.length) return;
    refusal(input.files[0]).then(function (reason) { if (reason) say(reason, true); });
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (!input.files.length || button.disabled) return;
    var file = input.files[0];
    button.disabled = true;
    refusal(file).then(function (reason) {
      if (reason) {
        say(reason, true);
        reset();
        return;
      }
      say("");
      start(file);
    });
  });
})();
