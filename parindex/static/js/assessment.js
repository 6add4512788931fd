// The assessment page: what HTML alone cannot do. Saves themselves go through htmx.
(function () {
  "use strict";
  var expired = document.getElementById("session-expired");

  document.body.addEventListener("htmx:beforeRequest", function (event) {
    var form = event.detail.elt.closest("form");
    var status = form && form.querySelector(".save-status");
    if (status) status.textContent = status.dataset.saving || "…";
  });

  // The security token of the session, as the cookie has it now: a log-in in another
  // tab renews it, and the page's forms must send the new one, not the one they were
  // rendered with.
  function csrfToken() {
    var found = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return found ? decodeURIComponent(found[1]) : null;
  }
  function freshen(form) {
    var token = csrfToken();
    if (!token || !form) return;
    form.querySelectorAll("input[name=csrfmiddlewaretoken]").forEach(function (input) {
      input.value = token;
    });
  }
  document.body.addEventListener("htmx:configRequest", function (event) {
    var token = csrfToken();
    if (!token) return;
    event.detail.headers["X-CSRFToken"] = token;
    if (event.detail.parameters && "csrfmiddlewaretoken" in event.detail.parameters) {
      event.detail.parameters["csrfmiddlewaretoken"] = token;
    }
  });
  document.body.addEventListener("submit", function (event) { freshen(event.target); }, true);

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
