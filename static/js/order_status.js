// The customer's order page, back from the payment page: ask for the order's status every
// few seconds until the provider has confirmed (or declined), and show it without a reload.
(function () {
  "use strict";
  var notice = document.querySelector("[data-poll-url]");
  if (!notice) return;
  var status = document.querySelector("[data-testid=order-status]");
  var tries = 0;
  function poll() {
    tries += 1;
    fetch(notice.dataset.pollUrl, { credentials: "omit", cache: "no-store" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (body) {
        if (body) {
          status.textContent = body.status_label;
          if (body.payment !== "confirming") {
            notice.textContent = body.payment === "paid" ? notice.dataset.paidText : notice.dataset.declinedText;
            notice.dataset.settled = body.payment;
            // Reload without ?payment=return: a paid order now shows its documents (and QR
            // once made), a declined one its pay button again.
            window.setTimeout(function () { window.location.replace(window.location.pathname); }, 2500);
            return;
          }
        }
        if (tries < 240) window.setTimeout(poll, 2500);  // ten minutes, then the reconciliation job has it
      })
      .catch(function () { if (tries < 240) window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1500);
})();
