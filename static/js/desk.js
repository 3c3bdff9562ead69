// The call screen and the head's questions: sending a form without reaching for its button.
//
// Ctrl+Enter in a text area sends its form (Enter there starts a new line). In a form marked
// data-enter-submits, Enter on a select or a checkbox sends it too, as Enter in a text box
// already does. requestSubmit() fires the submit event, so htmx still sends the form itself.
(function () {
  "use strict";

  function send(form, event) {
    if (!form) return;
    event.preventDefault();
    if (form.requestSubmit) form.requestSubmit();
    else form.submit();
  }

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || event.altKey || event.metaKey || event.shiftKey) return;
    var target = event.target;
    var form = target && target.form;
    if (!form) return;
    if (target.tagName === "TEXTAREA") {
      if (event.ctrlKey) send(form, event);
      return;
    }
    if (event.ctrlKey || !form.hasAttribute("data-enter-submits")) return;
    if (target.tagName === "SELECT" || (target.tagName === "INPUT" && target.type === "checkbox")) {
      send(form, event);
    }
  });
})();
