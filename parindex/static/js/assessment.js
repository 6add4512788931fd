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
    if (event.detail.xhr.status === 401 || event.detail.xhr.status === 403) {
      if (expired) expired.hidden = false;
    }
  });
  document.body.addEventListener("htmx:sendError", function (event) {
    var form = event.detail.elt.closest("form");
    var status = form && form.querySelector(".save-status");
    if (status) status.textContent = status.dataset.offline || "!";
  });

  // The appraiser starts from the unit's own answer.
  document.body.addEventListener("click", function (event) {
    var button = event.target.closest(".copy-self");
    if (!button) return;
    var leaf = button.closest("li.leaf");
    var own = leaf.querySelector("form[id^='form-self-']");
    var appraisal = button.closest("form");
    ["score", "level", "numerator", "denominator", "occurrences", "items"].forEach(function (name) {
      var from = own.elements[name], to = appraisal.elements[name];
      if (from && to) to.value = from.value;
    });
    var yes = own.querySelector("input[name=yes]:checked");
    if (yes) {
      var target = appraisal.querySelector("input[name=yes][value='" + yes.value + "']");
      if (target) target.checked = true;
    }
    appraisal.dispatchEvent(new Event("change", { bubbles: true }));
  });
})();
