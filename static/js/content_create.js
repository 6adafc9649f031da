// New AR content: drag-and-drop, a live trackability check as soon as a photo is chosen,
// and an upload with a progress bar. Without JavaScript the form still posts normally.
(function () {
  "use strict";
  var form = document.getElementById("content-form");
  if (!form) return;
  var input = form.querySelector("input[type=file][name=photo]");
  var zone = form.querySelector("[data-dropzone]");
  var panel = form.querySelector("[data-analysis]");
  var language = form.dataset.language === "ru" ? "ru" : "en";
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;

  function field(name) { return form.querySelector("[name=" + name + "]"); }

  function showAnalysis(result) {
    panel.hidden = false;
    panel.querySelector("[data-score]").textContent = result.score + "/100";
    panel.querySelector("[data-level]").textContent = result.level;
    panel.className = "analysis-live analysis level-" + result.level;
    var tips = panel.querySelector("[data-tips]");
    tips.innerHTML = "";
    (result.recommendations || []).forEach(function (tip) {
      var item = document.createElement("li");
      item.textContent = tip[language] || tip.en;
      tips.appendChild(item);
    });
  }

  function showError(message) {
    panel.hidden = false;
    panel.querySelector("[data-score]").textContent = "";
    panel.querySelector("[data-level]").textContent = message;
    panel.querySelector("[data-tips]").innerHTML = "";
  }

  function analyse() {
    if (!input.files.length) return;
    var data = new FormData();
    data.append("photo", input.files[0]);
    if (field("print_width_cm").value) data.append("print_width_cm", field("print_width_cm").value);
    if (field("print_height_cm").value) data.append("print_height_cm", field("print_height_cm").value);
    fetch(form.dataset.analysisUrl, { method: "POST", body: data, headers: { "X-CSRFToken": csrf }, credentials: "same-origin" })
      .then(function (response) { return response.json().then(function (body) { return { ok: response.ok, body: body }; }); })
      .then(function (answer) {
        if (answer.ok) showAnalysis(answer.body);
        else showError((answer.body.errors && answer.body.errors.photo && answer.body.errors.photo[0]) || answer.body.message);
      })
      .catch(function () { /* the check is advice only; the upload still validates */ });
  }

  input.addEventListener("change", analyse);
  ["print_width_cm", "print_height_cm"].forEach(function (name) { field(name).addEventListener("change", analyse); });

  if (zone) {
    ["dragenter", "dragover"].forEach(function (type) {
      zone.addEventListener(type, function (event) { event.preventDefault(); zone.classList.add("dragover"); });
    });
    ["dragleave", "drop"].forEach(function (type) {
      zone.addEventListener(type, function () { zone.classList.remove("dragover"); });
    });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      if (event.dataTransfer.files.length) {
        input.files = event.dataTransfer.files;
        analyse();
      }
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var progress = form.querySelector("[data-progress]");
    var bar = form.querySelector("[data-progress-bar]");
    var text = form.querySelector("[data-progress-text]");
    var request = new XMLHttpRequest();
    request.open("POST", window.location.href);
    request.setRequestHeader("X-Requested-With", "XMLHttpRequest");
    request.setRequestHeader("X-CSRFToken", csrf);
    progress.hidden = false;
    request.upload.addEventListener("progress", function (e) {
      if (!e.lengthComputable) return;
      var percent = Math.round((100 * e.loaded) / e.total);
      bar.style.width = percent + "%";
      text.textContent = percent + " %";
    });
    request.addEventListener("load", function () {
      var body = {};
      try { body = JSON.parse(request.responseText); } catch (e) { body = {}; }
      if (request.status === 201 && body.redirect) { window.location.assign(body.redirect); return; }
      progress.hidden = true;
      form.querySelectorAll(".field-error.live").forEach(function (node) { node.remove(); });
      Object.keys(body.errors || {}).forEach(function (name) {
        var target = field(name) || form.querySelector("button[type=submit]");
        var note = document.createElement("p");
        note.className = "field-error live";
        note.textContent = body.errors[name].join(" ");
        target.insertAdjacentElement("afterend", note);
      });
    });
    request.addEventListener("error", function () {
      progress.hidden = true;
      text.textContent = "";
      alert(language === "ru" ? "Сеть недоступна. Попробуйте ещё раз." : "The network failed. Please try again.");
    });
    request.send(new FormData(form));
  });
})();
