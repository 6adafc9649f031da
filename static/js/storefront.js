// The storefront's order form: the photo's trackability advice as soon as it is chosen, and
// the video sent ahead with tus (resumable, with a progress bar) so the order form itself
// stays small. Without JavaScript the form posts both files with the order.
(function () {
  "use strict";
  var form = document.getElementById("shop-form");
  if (!form) return;
  var ru = form.dataset.language === "ru";
  var photo = form.querySelector("input[type=file][name=photo]");
  var panel = form.querySelector("[data-analysis]");
  var video = form.querySelector("input[type=file][name=video]");
  var uploadId = form.querySelector("input[name=video_upload]");
  var progress = form.querySelector("[data-progress]");
  var bar = form.querySelector("[data-progress-bar]");
  var statusLine = form.querySelector("[data-upload-status]");
  var submit = form.querySelector("[type=submit]");
  var uploading = false;

  function say(message) { statusLine.textContent = message; }

  function firstError(body) {
    if (body && body.errors) {
      for (var key in body.errors) { if (body.errors[key].length) return body.errors[key][0]; }
    }
    return (body && body.message) || (ru ? "Не удалось проверить фото." : "The photo could not be checked.");
  }

  function showAdvice(result) {
    panel.hidden = false;
    panel.querySelector("[data-score]").textContent = result.score + "/100";
    var level = panel.querySelector("[data-level]");
    level.textContent = result.level;
    level.className = "analysis-level-" + result.level;
    var tips = panel.querySelector("[data-tips]");
    tips.innerHTML = "";
    (result.recommendations || []).forEach(function (tip) {
      var item = document.createElement("li");
      item.textContent = tip[ru ? "ru" : "en"] || tip.en;
      tips.appendChild(item);
    });
  }

  photo.addEventListener("change", function () {
    if (!photo.files.length) return;
    var data = new FormData();
    data.append("photo", photo.files[0]);
    fetch(form.dataset.photoCheck, { method: "POST", body: data, credentials: "omit" })
      .then(function (response) { return response.json().then(function (body) { return { ok: response.ok, body: body }; }); })
      .then(function (answer) {
        if (answer.ok) { showAdvice(answer.body); return; }
        panel.hidden = false;
        panel.querySelector("[data-score]").textContent = "";
        panel.querySelector("[data-level]").textContent = firstError(answer.body);
        panel.querySelector("[data-tips]").innerHTML = "";
      })
      .catch(function () { /* advice only: the order still checks the photo */ });
  });

  if (!window.tus || !window.tus.isSupported) return;
  // The video goes ahead by tus; the form then carries only the upload's id.
  video.removeAttribute("name");

  video.addEventListener("change", function () {
    if (!video.files.length) return;
    var file = video.files[0];
    uploadId.value = "";
    uploading = true;
    submit.disabled = true;
    progress.hidden = false;
    bar.style.width = "0";
    say(ru ? "Загружаем видео…" : "Uploading the video…");
    var upload = new window.tus.Upload(file, {
      endpoint: form.dataset.uploadEndpoint,
      chunkSize: parseInt(form.dataset.chunkSize, 10) || 8 * 1024 * 1024,
      retryDelays: [0, 1000, 3000, 5000, 10000],
      metadata: { filename: file.name },
      removeFingerprintOnSuccess: true,
      onShouldRetry: function (error) {
        var status = error.originalResponse ? error.originalResponse.getStatus() : 0;
        return status === 0 || status >= 500 || status === 409 || status === 423;
      },
      onError: function (error) {
        uploading = false;
        submit.disabled = false;
        var body = null;
        try { body = JSON.parse(error.originalResponse.getBody()); } catch (ignored) { body = null; }
        say((ru ? "Видео не загружено: " : "The video was not uploaded: ") + (body ? firstError(body) : (error.message || error)));
      },
      onProgress: function (sent, total) {
        var percent = Math.floor((100 * sent) / total);
        bar.style.width = percent + "%";
        say((ru ? "Загружено " : "Uploaded ") + percent + " %");
      },
      onSuccess: function () {
        uploading = false;
        submit.disabled = false;
        uploadId.value = upload.url.replace(/\/$/, "").split("/").pop();
        bar.style.width = "100%";
        say(ru ? "Видео загружено." : "The video is uploaded.");
        form.dataset.videoReady = "true";
      },
    });
    upload.findPreviousUploads().then(function (previous) {
      if (previous.length) upload.resumeFromPreviousUpload(previous[0]);
      upload.start();
    });
  });

  form.addEventListener("submit", function (event) {
    if (uploading) {
      event.preventDefault();
      say(ru ? "Подождите, видео ещё загружается." : "Please wait: the video is still uploading.");
    }
  });
})();
