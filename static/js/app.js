// Small progressive enhancements; every page works without this file.
document.addEventListener("htmx:afterSwap", function (event) {
  // Move focus to an error summary that htmx just swapped in, so screen readers announce it.
  var summary = event.detail.target.querySelector("#error-summary");
  if (summary) { summary.focus(); }
});
