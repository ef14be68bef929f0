/* Behaviour that pages declare with data attributes, so that no page needs an inline
   script or event handler (Content-Security-Policy: script-src 'self').

   data-confirm="…"   on a form, or on one of its submit buttons: ask before submitting.
   data-history-back  on a link: go back one page; data-history-back="reload" then also
                      reloads the current page with Turbo (viewflow's assign/unassign).

   Listeners sit on the document, so they keep working across Turbo page changes. */
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var submitter = event.submitter;
    var message = (submitter && submitter.getAttribute("data-confirm")) ||
      event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  }, true);
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("[data-history-back]") : null;
    if (!link) { return; }
    event.preventDefault();
    window.history.back();
    if (link.getAttribute("data-history-back") === "reload") {
      setTimeout(function () { if (window.Turbo) { window.Turbo.visit("."); } }, 100);
    }
  });
})();
