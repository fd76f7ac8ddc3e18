// Copy buttons on the copy sheet. Without JS the buttons stay hidden and each value is a selectable read-only field.
(function () {
  function showButtons(root) {
    root.querySelectorAll(".copy-button[hidden]").forEach(function (button) { button.hidden = false; });
  }
  function announce(text) {
    var status = document.getElementById("copy-status");
    if (status) { status.textContent = ""; status.textContent = text; }
  }
  function copy(field) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(field.value);
    }
    field.select();
    return document.execCommand("copy") ? Promise.resolve() : Promise.reject(new Error("copy refused"));
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest(".copy-button") : null;
    if (!button) { return; }
    var field = document.getElementById(button.getAttribute("data-copy"));
    if (!field) { return; }
    copy(field).then(function () {
      button.classList.add("is-copied");
      announce(button.getAttribute("data-copied") + " " + field.value);
    }, function () {
      field.focus();
      field.select();
      announce(button.getAttribute("data-refused"));
    });
  });
  document.addEventListener("DOMContentLoaded", function () { showButtons(document); });
  document.addEventListener("htmx:load", function (event) { showButtons(event.target); });
})();
