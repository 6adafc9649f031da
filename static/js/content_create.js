// New AR content: the photo's drop zone is its file input, a preview and a live
// trackability check as soon as a photo is chosen (scored at the size the content will
// get), and an upload with a progress bar. Without JavaScript the form still posts.
(function () {
  "use strict";
  var form = document.getElementById("content-form");
  if (!form) return;
  var input = form.querySelector("input[type=file][name=photo]");
  var zone = form.querySelector("[data-dropzone]");
  var photoField = form.querySelector("[data-photo-field]");
  var check = form.querySelector("[data-photo-check]");
  var preview = form.querySelector("[data-preview]");
  var panel = form.querySelector("[data-analysis]");
  var submit = form.querySelector("button[type=submit]");
  var language = form.dataset.language === "ru" ? "ru" : "en";
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var previewUrl = null;

  function field(name) { return form.querySelector("[name=" + name + "]"); }

  function chosenProject() {
    var select = field("project");
    return select && select.selectedIndex >= 0 ? select.options[select.selectedIndex] : null;
  }

  // The size the pipeline will use: the typed one, else the project's default.
  function printSize() {
    var option = chosenProject();
    var width = field("print_width_cm").value || (option && option.dataset.printWidth) || "";
    var height = field("print_height_cm").value || (option && option.dataset.printHeight) || "";
    return { width: width, height: height };
  }

  function updateSizeHint() {
    var option = chosenProject();
    var hint = field("print_width_cm").parentNode.querySelector(".help");
    if (!hint) {
      hint = document.createElement("p");
      hint.className = "help muted";
      field("print_width_cm").insertAdjacentElement("afterend", hint);
    }
    if (!option || !option.value) return;
    hint.textContent = option.dataset.printWidth
      ? form.dataset.hintDefault.replace("%(size)s", option.dataset.printWidth + " × " + option.dataset.printHeight)
      : form.dataset.hintRequired;
  }

  function clearPhotoErrors() {
    photoField.classList.remove("has-error");
    form.querySelectorAll("[data-photo-field] .field-error, .field-error.live").forEach(function (node) { node.remove(); });
    var summary = form.querySelector("[data-testid=form-errors]");
    if (summary) summary.remove();
  }

  function showAnalysis(result) {
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
    panel.querySelector("[data-score]").textContent = "";
    panel.querySelector("[data-level]").textContent = message;
    panel.querySelector("[data-tips]").innerHTML = "";
  }

  function analyse() {
    if (!input.files.length) return;
    var data = new FormData();
    var size = printSize();
    data.append("photo", input.files[0]);
    if (size.width) data.append("print_width_cm", size.width);
    if (size.height) data.append("print_height_cm", size.height);
    fetch(form.dataset.analysisUrl, { method: "POST", body: data, headers: { "X-CSRFToken": csrf }, credentials: "same-origin" })
      .then(function (response) { return response.json().then(function (body) { return { ok: response.ok, body: body }; }); })
      .then(function (answer) {
        if (answer.ok) showAnalysis(answer.body);
        else showError((answer.body.errors && answer.body.errors.photo && answer.body.errors.photo[0]) || answer.body.message);
      })
      .catch(function () { /* the check is advice only; the upload still validates */ });
  }

  function photoChosen() {
    clearPhotoErrors();
    if (!input.files.length) { check.hidden = true; return; }
    if (previewUrl) URL.revokeObjectURL(previewUrl);
    previewUrl = URL.createObjectURL(input.files[0]);
    preview.src = previewUrl;
    check.hidden = false;
    zone.querySelector("[data-dropzone-text]").textContent = input.files[0].name;
    showError("…");
    analyse();
  }

  input.addEventListener("change", photoChosen);
  field("project").addEventListener("change", function () { updateSizeHint(); analyse(); });
  ["print_width_cm", "print_height_cm"].forEach(function (name) { field(name).addEventListener("change", analyse); });
  updateSizeHint();

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
      photoChosen();
    }
  });

  function busy(on, text) {
    submit.disabled = on;
    submit.setAttribute("aria-busy", on ? "true" : "false");
    submit.querySelector("[data-spinner]").hidden = !on;
    if (text) submit.querySelector("[data-submit-text]").textContent = text;
  }

  var idleText = submit.querySelector("[data-submit-text]").textContent;

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (submit.disabled) return;
    var progress = form.querySelector("[data-progress]");
    var bar = form.querySelector("[data-progress-bar]");
    var text = form.querySelector("[data-progress-text]");
    var request = new XMLHttpRequest();
    request.open("POST", window.location.href);
    request.setRequestHeader("X-Requested-With", "XMLHttpRequest");
    request.setRequestHeader("X-CSRFToken", csrf);
    progress.hidden = false;
    busy(true, form.dataset.textUploading);
    form.querySelectorAll(".field-error").forEach(function (node) { node.remove(); });
    form.querySelectorAll(".has-error").forEach(function (node) { node.classList.remove("has-error"); });
    request.upload.addEventListener("progress", function (e) {
      if (!e.lengthComputable) return;
      var percent = Math.round((100 * e.loaded) / e.total);
      bar.style.width = percent + "%";
      text.textContent = percent + " %";
      if (percent >= 100) busy(true, form.dataset.textProcessing);
    });
    request.addEventListener("load", function () {
      var body = {};
      try { body = JSON.parse(request.responseText); } catch (e) { body = {}; }
      if (request.status === 201 && body.redirect) { window.location.assign(body.redirect); return; }
      progress.hidden = true;
      busy(false, idleText);
      Object.keys(body.errors || {}).forEach(function (name) {
        var target = (name === "photo" ? zone : field(name)) || submit;
        var note = document.createElement("p");
        note.className = "field-error live";
        note.textContent = body.errors[name].join(" ");
        target.insertAdjacentElement("afterend", note);
      });
    });
    request.addEventListener("error", function () {
      progress.hidden = true;
      text.textContent = "";
      busy(false, idleText);
      alert(language === "ru" ? "Сеть недоступна. Попробуйте ещё раз." : "The network failed. Please try again.");
    });
    request.send(new FormData(form));
  });
})();
