// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // Move focus to the error summary after a failed submit, so screen readers announce it.
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.getElementById("error-summary");
    if (summary) { summary.focus(); }
    // Warn before leaving a form with unsaved changes.
    document.querySelectorAll("form[data-guard]").forEach(function (form) {
      var dirty = false;
      form.addEventListener("input", function () { dirty = true; });
      form.addEventListener("change", function () { dirty = true; });
      form.addEventListener("submit", function () { dirty = false; });
      window.addEventListener("beforeunload", function (event) {
        if (dirty) { event.preventDefault(); event.returnValue = ""; }
      });
    });
  });
})();

// Livret 2: save drafts in the background every 20 seconds while the candidate types.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("form[data-autosave]");
    if (!form || !window.fetch || !window.FormData) { return; }
    var status = form.querySelector("[data-autosave-status]");
    var dirty = false;
    var busy = false;
    form.addEventListener("input", function () { dirty = true; });
    function save() {
      if (!dirty || busy) { return; }
      busy = true;
      dirty = false;
      fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        headers: { "X-Autosave": "1", "Accept": "application/json" }
      }).then(function (response) {
        var json = response.headers.get("Content-Type") || "";
        if (json.indexOf("application/json") === -1) {
          // Session expired: the next explicit save keeps the text (it is stored until login).
          dirty = true;
          if (status) { status.textContent = "Brouillon non enregistré automatiquement : enregistrez la situation."; }
          return null;
        }
        return response.json().then(function (data) {
          if (data.saved) {
            if (data.url && form.action.indexOf(data.url) === -1) {
              form.action = data.url;
              if (window.history && window.history.replaceState) { window.history.replaceState(null, "", data.url); }
            }
            if (status) {
              var now = new Date();
              status.textContent = "Brouillon enregistré à " + now.getHours() + " h " + String(now.getMinutes()).padStart(2, "0") + " – " + data.words + " mots.";
            }
          } else {
            dirty = true;
            if (status) { status.textContent = "Brouillon non enregistré : " + (data.error || "vérifiez le formulaire") + "."; }
          }
          return null;
        });
      }).catch(function () {
        dirty = true;
      }).then(function () { busy = false; });
    }
    window.setInterval(save, 20000);
  });
})();
