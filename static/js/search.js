// The header's search box: htmx fetches the suggestions as the user types; this script
// makes them a combobox (ARIA 1.2): ↑/↓ move, Enter opens the chosen item (or, with none
// chosen, submits to the full results page), Esc closes, "/" anywhere focuses the box.
(function () {
  "use strict";
  var form = document.querySelector("[data-search]");
  if (!form) return;
  var input = form.querySelector("[role=combobox]");
  var popup = form.querySelector("[data-search-popup]");
  var status = form.querySelector("[data-search-status]");
  var active = -1;

  function options() {
    return Array.prototype.slice.call(popup.querySelectorAll("[role=option]"));
  }

  function isOpen() {
    return !popup.hidden;
  }

  function open() {
    if (!input.value.trim() || !popup.querySelector("[role=listbox]")) return;
    popup.hidden = false;
    input.setAttribute("aria-expanded", "true");
  }

  function close() {
    popup.hidden = true;
    input.setAttribute("aria-expanded", "false");
    choose(-1);
  }

  function choose(index) {
    var all = options();
    all.forEach(function (option, i) {
      option.setAttribute("aria-selected", i === index ? "true" : "false");
    });
    active = index >= 0 && index < all.length ? index : -1;
    if (active < 0) {
      input.removeAttribute("aria-activedescendant");
      return;
    }
    input.setAttribute("aria-activedescendant", all[active].id);
    all[active].scrollIntoView({ block: "nearest" });
  }

  function move(step) {
    var count = options().length;
    if (!count) return;
    if (!isOpen()) open();
    // From "none chosen", ↓ goes to the first and ↑ to the last; then it wraps around.
    var next = active < 0 ? (step > 0 ? 0 : count - 1) : (active + step + count) % count;
    choose(next);
  }

  popup.addEventListener("htmx:afterSwap", function () {
    active = -1;
    input.removeAttribute("aria-activedescendant");
    var listbox = popup.querySelector("[role=listbox]");
    if (status && listbox) status.textContent = listbox.getAttribute("data-search-summary") || "";
    if (input.value.trim() && document.activeElement === input) open();
    else close();
  });

  input.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      move(event.key === "ArrowDown" ? 1 : -1);
    } else if (event.key === "Enter") {
      var chosen = isOpen() && active >= 0 ? options()[active] : null;
      if (chosen) {
        event.preventDefault();
        window.location.assign(chosen.href);
      }
      // Nothing chosen: the form submits to the full results page.
    } else if (event.key === "Escape") {
      if (isOpen()) {
        event.preventDefault();  // keep the text (the browser would clear a search field)
        close();
      }
    }
  });

  input.addEventListener("focus", open);

  popup.addEventListener("mousemove", function (event) {
    var option = event.target.closest && event.target.closest("[role=option]");
    if (option) choose(options().indexOf(option));
  });

  form.addEventListener("focusout", function (event) {
    if (!event.relatedTarget || !form.contains(event.relatedTarget)) close();
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    var tag = target && target.tagName;
    if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable)) return;
    event.preventDefault();
    input.focus();
    input.select();
  });
})();
