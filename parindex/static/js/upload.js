// Evidence uploads: a file larger than the server accepts is refused here, before any of
// it is sent. The limit and the sentence come from the input's data attributes, which
// the template renders from the settings; the server checks again.
(function () {
  "use strict";
  var INPUTS = "input[type=file][data-max-bytes]";

  function notice(input) {
    var id = input.id + "-size";
    var note = document.getElementById(id);
    if (!note) {
      note = document.createElement("p");
      note.id = id;
      note.className = "field-error small";
      note.setAttribute("role", "alert");
      note.hidden = true;
      input.insertAdjacentElement("afterend", note);
    }
    return note;
  }

  function show(input, text) {
    var note = notice(input);
    note.textContent = text;
    note.hidden = !text;
  }

  // True when the chosen file may be sent; otherwise the form cannot be submitted.
  function check(input) {
    var max = Number(input.dataset.maxBytes);
    var file = input.files && input.files[0];
    var tooLarge = Boolean(max && file && file.size > max);
    input.setCustomValidity(tooLarge ? input.dataset.tooLarge : "");
    show(input, tooLarge ? input.dataset.tooLarge : "");
    return !tooLarge;
  }

  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches(INPUTS)) check(event.target);
  });

  // Before htmx or the browser sends the form: nothing leaves with a file too large.
  document.addEventListener(
    "submit",
    function (event) {
      var inputs = event.target.querySelectorAll ? event.target.querySelectorAll(INPUTS) : [];
      for (var i = 0; i < inputs.length; i++) {
        if (!check(inputs[i])) {
          event.preventDefault();
          event.stopPropagation();
          return;
        }
      }
    },
    true
  );

  // The server's refusal of a body too large (413) is one sentence: shown where the file
  // was chosen, as the page swaps nothing for an error.
  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    if (!xhr || xhr.status !== 413) return;
    var form = event.detail.elt.closest("form");
    var input = form && form.querySelector("input[type=file]");
    if (input) show(input, xhr.responseText);
  });
})();
