// The assessment page: what HTML alone cannot do. Saves themselves go through htmx.
(function () {
  "use strict";
  var expired = document.getElementById("session-expired");

  document.body.addEventListener("htmx:beforeRequest", function (event) {
    var form = event.detail.elt.closest("form");
    var status = form && form.querySelector(".save-status");
    if (status) status.textContent = status.dataset.saving || "…";
  });

  // A refused or failed request swaps nothing: what was typed stays where it is.
  document.body.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr.status;
    var form = event.detail.elt.closest("form");
    var line = form && form.querySelector(".save-status");
    if (status === 401) {
      if (expired) expired.hidden = false;
      if (line) line.textContent = line.dataset.expired || "!";
    } else if (line) {
      line.textContent = status === 403 ? line.dataset.refused || "!" : line.dataset.offline || "!";
    }
  });
  document.body.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail.successful && expired) expired.hidden = true;
  });
  document.body.addEventListener("htmx:sendError", function (event) {
    var form = event.detail.elt.closest("form");
    var status = form && form.querySelector(".save-status");
    if (status) status.textContent = status.dataset.offline || "!";
  });

  // Fill a leaf's form with values by input name, then save it as if typed.
  function fill(form, values) {
    Object.keys(values).forEach(function (name) {
      var value = values[name];
      var radios = form.querySelectorAll("input[type=radio][name='" + name + "']");
      if (radios.length) {
        radios.forEach(function (radio) { radio.checked = radio.value === value; });
        return;
      }
      var input = form.elements[name];
      if (!input) return;
      if (input.type === "checkbox") input.checked = value === "on";
      else input.value = value;
    });
    form.dispatchEvent(new Event("change", { bubbles: true }));
  }

  // The appraiser starts from the unit's own answer.
  document.body.addEventListener("click", function (event) {
    var button = event.target.closest(".copy-self");
    if (!button) return;
    var own = button.closest("li.leaf").querySelector("form[id^='form-self-']");
    var values = {};
    ["score", "level", "numerator", "denominator", "occurrences", "items"].forEach(function (name) {
      if (own.elements[name]) values[name] = own.elements[name].value;
    });
    var yes = own.querySelector("input[name=yes]:checked");
    if (yes) values.yes = yes.value;
    fill(button.closest("form"), values);
  });

  // A proposal from the follow-up, taken into the unit's answer or the appraisal.
  document.querySelectorAll(".use-proposal").forEach(function (button) {
    button.hidden = false;
  });
  document.body.addEventListener("click", function (event) {
    var button = event.target.closest(".use-proposal");
    if (!button) return;
    var form = button.closest("li.leaf").querySelector("form[id^='form-" + button.dataset.side + "-']");
    if (form) fill(form, JSON.parse(button.dataset.values));
  });
})();
