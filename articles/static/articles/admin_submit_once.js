// Admin change forms post once: a second click (or Enter) while the first submission is on its way is ignored,
// and the buttons are disabled once the browser has taken the clicked button's name (_save, _continue, ...).
// Loaded by every desk ModelAdmin (articles/admin/base.py, DeskAdminMixin.Media); no inline script (CSP).
(function () {
  "use strict";
  function guard(form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.submitted === "1") {
        event.preventDefault();
        return;
      }
      form.dataset.submitted = "1";
      // After this event the browser has built the form data, so disabling now does not drop the button's value.
      window.setTimeout(function () {
        form.querySelectorAll("input[type=submit], button[type=submit], button:not([type])").forEach(function (button) {
          button.disabled = true;
        });
      }, 0);
    });
  }
  function init() {
    // Change and add forms only (id "<model>_form"): the list's action form may answer with a download and
    // stay on the page, where it must keep working.
    document.querySelectorAll("form[id$='_form']").forEach(function (form) {
      if (form.method.toLowerCase() === "post") guard(form);
    });
  }
  // Coming back with the Back button (page cache) must give working buttons again.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) return;
    document.querySelectorAll("form[data-submitted]").forEach(function (form) {
      delete form.dataset.submitted;
      form.querySelectorAll("input[type=submit], button").forEach(function (button) { button.disabled = false; });
    });
  });
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
