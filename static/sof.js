// Small behaviours without inline scripts (the Content-Security-Policy allows scripts from files only).
// <select data-submit-on-change> submits its form when changed (e.g. the language switch).
document.addEventListener("change", function (event) {
  var target = event.target;
  if (target instanceof HTMLSelectElement && target.hasAttribute("data-submit-on-change") && target.form) {
    target.form.submit();
  }
});
