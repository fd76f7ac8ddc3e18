// Small progressive enhancements; every page works without this file.
// One accessible pattern for every htmx swap (docs/accessibility.md): an error summary takes focus; a new
// step or page moves focus to its <h1>, updates the title and is announced; a field's own error is
// announced; a save that got no answer says so beside the question, with "Try again".
(function () {
  var body = document.body;
  function text(key) { return body.getAttribute("data-say-" + key) || ""; }

  function say(message) {
    var region = document.getElementById("announcer");
    if (!region || !message) { return; }
    region.textContent = "";
    // A change after a short pause is announced even when the same words come twice.
    window.setTimeout(function () { region.textContent = message; }, 60);
  }
  window.passageSay = say;

  function focusHeading(root) {
    var heading = root.querySelector("h1");
    if (!heading) { return null; }
    if (!heading.hasAttribute("tabindex")) { heading.setAttribute("tabindex", "-1"); }
    heading.focus();
    return heading;
  }

  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    // An outerHTML swap leaves the old element detached: look at the one that replaced it.
    if (target && !target.isConnected && target.id) { target = document.getElementById(target.id) || target; }
    if (!target || !target.querySelector) { return; }
    var summary = target.querySelector("#error-summary");
    if (summary) { summary.focus(); return; }  // role="alert": read out as it takes focus
    var titled = target.matches("[data-page-title]") ? target : target.querySelector("[data-page-title]");
    if (titled) { document.title = titled.getAttribute("data-page-title"); }
    if (event.detail.boosted || titled) {
      var heading = focusHeading(target);
      if (heading && titled) { say(text("saved") + " " + heading.textContent.trim()); }
      return;
    }
    var fieldError = target.querySelector(".field__error");
    if (fieldError) { say(fieldError.textContent.trim()); return; }
    var announced = target.matches("[data-announce]") ? target : target.querySelector("[data-announce]");
    if (announced) { say(announced.getAttribute("data-announce") || announced.textContent.trim()); }
  });

  // An autosave or step save that never got an answer (the server restarted, the network dropped) must not
  // look saved: say so beside the question, keep what was typed, and offer to send it again.
  function showNotSaved(event) {
    var element = event.detail.elt;
    var form = element.closest("form[data-not-saved]");
    if (!form) { return; }
    var place = element.closest(".field") || form;
    var note = place.querySelector(":scope > .save-failed");
    if (!note) {
      note = document.createElement("div");
      note.className = "field__error save-failed";
      place.appendChild(note);
    }
    note.textContent = form.getAttribute("data-not-saved") + " ";
    var retry = document.createElement("button");
    retry.type = "button";
    retry.className = "button button--small";
    retry.textContent = text("try-again");
    retry.addEventListener("click", function () {
      note.remove();
      if (element === form) { form.requestSubmit(); } else { htmx.trigger(element, "change"); }
    });
    note.appendChild(retry);
    say(form.getAttribute("data-not-saved"));
  }
  document.addEventListener("htmx:sendError", showNotSaved);
  document.addEventListener("htmx:responseError", function (event) {
    if (event.detail.xhr && event.detail.xhr.status >= 500) { showNotSaved(event); }
  });

  // A warning two minutes before an idle session ends, with "Stay signed in". Only what the person does
  // counts: background polls (X-Passage-Background) neither reset this clock nor the server's.
  var idle = parseInt(body.getAttribute("data-idle-seconds") || "0", 10);
  var keepAlive = body.getAttribute("data-keep-alive");
  var timer = null;
  function closeWarning() {
    var open = document.getElementById("session-warning");
    if (open) { open.remove(); }
  }
  function warn() {
    closeWarning();
    var box = document.createElement("div");
    box.id = "session-warning";
    box.className = "session-warning";
    box.setAttribute("role", "alertdialog");
    box.setAttribute("aria-labelledby", "session-warning-text");
    var message = document.createElement("p");
    message.id = "session-warning-text";
    message.textContent = text("expiring");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button button--primary";
    button.textContent = text("stay");
    button.addEventListener("click", function () {
      var token = (JSON.parse(body.getAttribute("hx-headers") || "{}"))["X-CSRFToken"] || "";
      fetch(keepAlive, {method: "POST", credentials: "same-origin", headers: {"X-CSRFToken": token}})
        .then(function (response) {
          if (response.ok) { closeWarning(); restart(); say(text("still-in")); }
          else { window.location.reload(); }
        });
    });
    box.appendChild(message);
    box.appendChild(button);
    body.insertBefore(box, body.firstChild);
    button.focus();
  }
  function restart() {
    if (!idle || !keepAlive) { return; }
    if (timer) { window.clearTimeout(timer); }
    timer = window.setTimeout(warn, Math.max(idle - 120, 5) * 1000);
  }
  document.addEventListener("htmx:beforeRequest", function (event) {
    var headers = (event.detail.requestConfig && event.detail.requestConfig.headers) || {};
    if (headers["X-Passage-Background"] !== "1") { closeWarning(); restart(); }
  });
  restart();
})();
