// Small progressive enhancements; every page works without this file.
document.addEventListener("htmx:afterSwap", function (event) {
  // Move focus to an error summary that htmx just swapped in, so screen readers announce it.
  var summary = event.detail.target.querySelector("#error-summary");
  if (summary) { summary.focus(); }
});

// An autosave or step save that never got an answer (the server restarted, the network dropped) must not look
// saved: say so beside the question, and keep what was typed. The next successful save replaces the note.
function showNotSaved(event) {
  var element = event.detail.elt;
  var form = element.closest("form[data-not-saved]");
  if (!form) { return; }
  var place = element.closest(".field") || form;
  var note = place.querySelector(":scope > .save-failed");
  if (!note) {
    note = document.createElement("p");
    note.className = "field__error save-failed";
    note.setAttribute("role", "alert");
    place.appendChild(note);
  }
  note.textContent = form.getAttribute("data-not-saved");
}
document.addEventListener("htmx:sendError", showNotSaved);
document.addEventListener("htmx:responseError", function (event) {
  if (event.detail.xhr && event.detail.xhr.status >= 500) { showNotSaved(event); }
});
