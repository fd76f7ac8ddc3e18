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
  // The "Done" tick boxes are kept in this browser only (localStorage, keyed by the sheet's id, never a name).
  function restoreTicks(root) {
    root.querySelectorAll("[data-copy-sheet] .copy-done input").forEach(function (box) {
      var key = box.closest("[data-copy-sheet]").getAttribute("data-copy-sheet") + ":" + box.name;
      try { box.checked = window.localStorage.getItem(key) === "1"; } catch (error) { return; }
    });
  }
  document.addEventListener("change", function (event) {
    var box = event.target;
    var sheet = box.closest ? box.closest("[data-copy-sheet]") : null;
    if (!sheet || !box.matches(".copy-done input")) { return; }
    var key = sheet.getAttribute("data-copy-sheet") + ":" + box.name;
    try { window.localStorage.setItem(key, box.checked ? "1" : "0"); } catch (error) { return; }
  });
  document.addEventListener("DOMContentLoaded", function () { showButtons(document); restoreTicks(document); });
  document.addEventListener("htmx:load", function (event) { showButtons(event.target); restoreTicks(event.target); });
})();
