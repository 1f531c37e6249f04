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

// Review page: the decision form shows only the fieldset of the chosen decision.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-decision-form]").forEach(function (form) {
      var parts = form.querySelectorAll("fieldset[data-decision-kind]");
      var radios = Array.prototype.filter.call(form.querySelectorAll("input[type=radio]"), function (radio) {
        return Array.prototype.some.call(parts, function (part) {
          return part.getAttribute("data-decision-kind") === radio.value;
        });
      });
      function show() {
        var chosen = radios.filter(function (radio) { return radio.checked; })[0];
        parts.forEach(function (part) {
          part.hidden = !chosen || part.getAttribute("data-decision-kind") !== chosen.value;
        });
      }
      radios.forEach(function (radio) { radio.addEventListener("change", show); });
      show();
    });
  });
})();

// Livret 2 situation: the chosen block's competencies first, and a live word count.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var fieldset = document.querySelector("[data-competencies]");
    var point = document.querySelector("select[name='attachment_point']");
    var shown = fieldset && fieldset.querySelector("[data-competencies-shown]");
    var others = fieldset && fieldset.querySelector("[data-competencies-others]");
    if (point && shown && others) {
      point.addEventListener("change", function () {
        var block = point.value.split("/")[0];
        fieldset.querySelectorAll(".competency-group").forEach(function (group) {
          (group.getAttribute("data-block") === block ? shown : others).appendChild(group);
        });
      });
    }
    var counter = document.querySelector("[data-word-count]");
    var form = counter && counter.closest("form");
    if (!form) { return; }
    var value = counter.querySelector("[data-word-count-value]");
    var minimum = parseInt(counter.getAttribute("data-min-words"), 10);
    var names = counter.getAttribute("data-word-fields").split(" ");
    function count() {
      var words = 0;
      names.forEach(function (name) {
        var area = form.elements.namedItem(name);
        var text = area ? area.value.trim() : "";
        if (text) { words += text.split(/\s+/).length; }
      });
      value.textContent = String(words);
      counter.classList.toggle("status-missing", words < minimum);
    }
    form.addEventListener("input", count);
    count();
  });
})();
