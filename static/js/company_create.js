// "Create your company": the web address follows the name as it is typed (the server
// transliterates and picks a free variant), until the user edits the address themselves.
(function () {
  const slug = document.querySelector("[data-slug-from]");
  const preview = document.querySelector("[data-testid=slug-preview]");
  if (!slug || !preview) return;
  const name = document.getElementById(slug.dataset.slugFrom);
  const shown = preview.querySelector("[data-slug-preview]");
  let typedByHand = slug.value !== "";
  let timer = null;
  let asked = 0;

  function show(value) {
    shown.textContent = value || "…";
  }

  function suggest() {
    const wanted = name.value.trim();
    if (!wanted) return;
    const ticket = ++asked;
    fetch(preview.dataset.suggest + "?name=" + encodeURIComponent(wanted), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then((response) => (response.ok ? response.json() : null))
      .then((answer) => {
        if (!answer || ticket !== asked || typedByHand) return; // a later keystroke won
        slug.value = answer.slug;
        show(answer.slug);
      })
      .catch(() => {});
  }

  name.addEventListener("input", () => {
    if (typedByHand) return;
    clearTimeout(timer);
    timer = setTimeout(suggest, 250);
  });
  slug.addEventListener("input", () => {
    typedByHand = slug.value !== "";
    show(slug.value);
    if (!typedByHand) suggest();
  });
})();
