// Bulk upload: check the batch (limits, CSV rows) first, then send the photos one by one,
// each with its own progress bar. Without JavaScript the form posts them all at once.
(function () {
  "use strict";
  var form = document.getElementById("bulk-upload-form");
  if (!form || !window.FormData || !window.XMLHttpRequest) return;
  var texts = JSON.parse(document.getElementById("bulk-upload-texts").textContent);
  var photosInput = form.querySelector("input[name=photos]");
  var problemsBox = form.querySelector("[data-problems]");
  var list = form.querySelector("[data-files]");
  var rowTemplate = document.querySelector("template[data-file-row]");

  function baseData() {
    var data = new FormData();
    form.querySelectorAll("input, select").forEach(function (field) {
      if (!field.name || field.name === "photos" || field.type === "submit") return;
      if (field.type === "file") {
        if (field.files.length) data.append(field.name, field.files[0]);
      } else if (field.type !== "checkbox" || field.checked) {
        data.append(field.name, field.value);
      }
    });
    return data;
  }

  function showProblems(messages) {
    problemsBox.textContent = "";
    messages.forEach(function (message) {
      var line = document.createElement("p");
      line.textContent = message;
      problemsBox.appendChild(line);
    });
    problemsBox.hidden = messages.length === 0;
  }

  function fieldErrors(errors) {
    var messages = [];
    Object.keys(errors || {}).forEach(function (name) { messages = messages.concat(errors[name]); });
    return messages;
  }

  function post(data, onProgress) {
    return new Promise(function (resolve) {
      var request = new XMLHttpRequest();
      request.open("POST", form.action || window.location.href);
      request.setRequestHeader("X-Requested-With", "XMLHttpRequest");
      if (onProgress) request.upload.onprogress = onProgress;
      request.onload = function () {
        var body = {};
        try { body = JSON.parse(request.responseText); } catch (error) { body = { errors: { "": [request.statusText] } }; }
        resolve({ status: request.status, body: body });
      };
      request.onerror = function () { resolve({ status: 0, body: { errors: { "": ["Network error"] } } }); };
      request.send(data);
    });
  }

  function addRow(file, plan) {
    var row = rowTemplate.content.firstElementChild.cloneNode(true);
    row.querySelector("[data-name]").textContent = file.name;
    row.querySelector("[data-state]").textContent = texts.waiting;
    row.setAttribute("data-testid", "bulk-file");
    if (plan && plan.errors.length) {
      var errors = row.querySelector("[data-errors]");
      errors.textContent = plan.errors.join(" ");
      errors.hidden = false;
    }
    list.appendChild(row);
    return row;
  }

  async function upload(files, plans) {
    var rows = files.map(function (file, index) { return addRow(file, plans[index]); });
    for (var index = 0; index < files.length; index++) {
      var row = rows[index];
      var bar = row.querySelector("[data-bar]");
      var data = baseData();
      data.append("photos", files[index]);
      row.querySelector("[data-state]").textContent = texts.uploading;
      var answer = await post(data, function (event) {
        if (event.lengthComputable) bar.style.width = Math.round((100 * event.loaded) / event.total) + "%";
      });
      bar.style.width = "100%";
      var state = row.querySelector("[data-state]");
      if (answer.status === 201) {
        row.classList.add("ok");
        row.setAttribute("data-result", "created");
        state.textContent = texts.done + ": " + answer.body.order_number;
      } else {
        row.classList.add("refused");
        row.setAttribute("data-result", "refused");
        state.textContent = texts.failed;
        var errors = row.querySelector("[data-errors]");
        errors.textContent = (answer.body.errors && answer.body.errors.join ? answer.body.errors : fieldErrors(answer.body.errors)).join(" ");
        errors.hidden = false;
      }
    }
    var done = document.createElement("p");
    done.setAttribute("data-testid", "bulk-upload-done");
    done.textContent = texts.all_done;
    list.appendChild(done);
  }

  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    var files = Array.prototype.slice.call(photosInput.files);
    list.textContent = "";
    showProblems([]);
    var check = baseData();
    check.append("check", "1");
    files.forEach(function (file) { check.append("names", file.name); check.append("sizes", String(file.size)); });
    var answer = await post(check);
    if (answer.status !== 200) {
      showProblems(answer.body.problems || fieldErrors(answer.body.errors));
      return;
    }
    showProblems(answer.body.notices || []);
    form.querySelector("[type=submit]").disabled = true;
    await upload(files, answer.body.files);
    form.querySelector("[type=submit]").disabled = false;
  });
})();
