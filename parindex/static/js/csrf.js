// Pages whose forms post through htmx: the security token of the session as the cookie
// has it now. A log-in in another tab renews it, and the page's forms must send the new
// one, not the one they were rendered with.
(function () {
  "use strict";
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
    // Django reads the form's token before the header: the one sent must be the new one.
    // htmx 2 gives the parameters as FormData; a form's own inputs are renewed too.
    var parameters = event.detail.parameters;
    if (parameters instanceof FormData) {
      if (parameters.has("csrfmiddlewaretoken")) parameters.set("csrfmiddlewaretoken", token);
    } else if (parameters && "csrfmiddlewaretoken" in parameters) {
      parameters["csrfmiddlewaretoken"] = token;
    }
    freshen(event.detail.elt.closest && event.detail.elt.closest("form"));
  });
  document.body.addEventListener("submit", function (event) { freshen(event.target); }, true);
})();
