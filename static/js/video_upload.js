// Video uploads with tus (resumable): parts of 8 MiB, automatic retries after a network
// error, and resuming after a page reload (tus-js-client remembers unfinished uploads in
// localStorage by file fingerprint). Without JavaScript the form posts the whole file.
(function () {
  "use strict";
  var box = document.getElementById("video-upload");
  if (!box || !window.tus || !window.tus.isSupported) return;
  var form = box.querySelector("[data-upload-form]");
  var input = form.querySelector("input[type=file]");
  var title = form.querySelector("input[name=title]");
  var bar = form.querySelector("[data-progress-bar]");
  var progress = form.querySelector("[data-progress]");
  var text = form.querySelector("[data-progress-text]");
  var statusLine = form.querySelector("[data-upload-status]");
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var ru = box.dataset.language === "ru";

  function say(message) { statusLine.textContent = message; }

  function show(percent) {
    progress.hidden = false;
    bar.style.width = percent + "%";
    text.textContent = percent + " %";
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (!input.files.length) return;
    var file = input.files[0];
    var upload = new window.tus.Upload(file, {
      endpoint: box.dataset.endpoint,
      chunkSize: parseInt(box.dataset.chunkSize, 10) || 8 * 1024 * 1024,
      retryDelays: [0, 1000, 3000, 5000, 10000, 20000],
      headers: { "X-CSRFToken": csrf },
      metadata: { filename: file.name, title: title.value || file.name.replace(/\.[^.]+$/, "") },
      removeFingerprintOnSuccess: true,
      onError: function (error) {
        say((ru ? "Загрузка прервалась: " : "The upload stopped: ") + (error.message || error) +
            (ru ? ". Выберите файл снова — загрузка продолжится с места остановки." : ". Choose the file again to continue where it stopped."));
      },
      // Network trouble and server hiccups are retried; a refusal (4xx) is final, except
      // 409 (the offset moved: tus re-reads it) and 423 (locked by a parallel request).
      onShouldRetry: function (error) {
        var status = error.originalResponse ? error.originalResponse.getStatus() : 0;
        var retry = status === 0 || status >= 500 || status === 409 || status === 423;
        if (retry) say(ru ? "Связь прервалась, пробуем снова…" : "Connection lost, retrying…");
        return retry;
      },
      onProgress: function (sent, total) { show(Math.floor((100 * sent) / total)); },
      onSuccess: function () {
        show(100);
        say(ru ? "Готово. Видео обрабатывается." : "Done. The video is being processed.");
        window.location.reload();
      },
    });
    upload.findPreviousUploads().then(function (previous) {
      if (previous.length) {
        upload.resumeFromPreviousUpload(previous[0]);
        say(ru ? "Продолжаем прерванную загрузку…" : "Continuing the interrupted upload…");
      }
      upload.start();
    });
  });
})();
