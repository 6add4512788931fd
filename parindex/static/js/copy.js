// A "Copy" button beside a read-only field (data-copy names the field's id): copies its
// text to the clipboard and says so. Without JavaScript the button stays hidden and the
// field is selected by hand; the field is selected on focus either way.
(function () {
  "use strict";
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var field = document.getElementById(button.dataset.copy);
    if (!field) return;
    var label = button.textContent;
    field.addEventListener("focus", function () { field.select(); });
    button.hidden = false;
    button.addEventListener("click", function () {
      field.select();
      var done = function () {
        button.textContent = button.dataset.copied || label;
        setTimeout(function () { button.textContent = label; }, 3000);
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(done, function () {
          document.execCommand("copy") && done();
        });
      } else if (document.execCommand("copy")) {
        done();
      }
    });
  });
})();
