// Upload progress for htmx uploads; without JS the forms post normally and the page reloads.
document.addEventListener("htmx:xhr:progress", function (event) {
  var form = event.target.closest ? event.target.closest("form.evidence-upload") : null;
  if (!form || !event.detail.lengthComputable) { return; }
  var bar = form.querySelector(".upload-progress");
  if (bar) {
    bar.hidden = false;
    bar.value = Math.round((event.detail.loaded / event.detail.total) * 100);
  }
});
