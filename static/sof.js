// Small behaviours without inline scripts (the Content-Security-Policy allows scripts from files only).
// <select data-submit-on-change> submits its form when changed (e.g. the language switch).
document.addEventListener("change", function (event) {
  var target = event.target;
  if (target instanceof HTMLSelectElement && target.hasAttribute("data-submit-on-change") && target.form) {
    target.form.submit();
  }
});

// An element with data-load-failed that fetches its content with htmx (e.g. a form on the case page) says so
// when the fetch fails, instead of showing "loading" for ever (htmx swaps nothing on an error).
function sofLoadFailed(event) {
  var element = event.detail && event.detail.elt;
  if (element instanceof HTMLElement && element.hasAttribute("data-load-failed")) {
    element.textContent = element.getAttribute("data-load-failed");
  }
}
document.addEventListener("htmx:responseError", sofLoadFailed);
document.addEventListener("htmx:sendError", sofLoadFailed);
