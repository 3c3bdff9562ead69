// Keyboard-shortcut plumbing for the desk (operators work with the keyboard all day).
//
// Any element with data-shortcut="KEY" answers that key: "/" or "Alt+d" or "F2".
// Inputs and selects are focused; links and buttons are clicked. "?" lists the shortcuts of
// the page. Keys typed inside a field are left alone, except Alt/Ctrl combinations and F-keys.
(function () {
  "use strict";

  function keyName(event) {
    var parts = [];
    if (event.ctrlKey) parts.push("Ctrl");
    if (event.altKey) parts.push("Alt");
    if (event.shiftKey && event.key.length > 1) parts.push("Shift");
    var key = event.key;
    if (event.altKey && event.code && event.code.indexOf("Key") === 0) {
      key = event.code.slice(3).toLowerCase(); // Alt+letter on any keyboard layout
    }
    parts.push(key.length === 1 ? key.toLowerCase() : key);
    return parts.join("+");
  }

  function isTyping(target) {
    var tag = target && target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable);
  }

  function normalise(shortcut) {
    var parts = shortcut.split("+");
    var last = parts.pop();
    parts.push(last.length === 1 ? last.toLowerCase() : last);
    return parts.join("+");
  }

  function activate(element) {
    var tag = element.tagName;
    if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT") {
      element.focus();
      if (element.select) element.select();
    } else {
      element.click();
    }
  }

  function showHelp() {
    var dialog = document.getElementById("shortcut-help");
    var list = document.getElementById("shortcut-list");
    if (!dialog || !list) return;
    list.textContent = "";
    document.querySelectorAll("[data-shortcut]").forEach(function (element) {
      var item = document.createElement("li");
      var kbd = document.createElement("kbd");
      kbd.textContent = element.getAttribute("data-shortcut");
      item.appendChild(kbd);
      var label = element.getAttribute("aria-label") || element.getAttribute("placeholder") ||
        (element.labels && element.labels[0] && element.labels[0].textContent) || element.textContent;
      item.appendChild(document.createTextNode(" " + label.trim()));
      list.appendChild(item);
    });
    dialog.showModal();
  }

  document.addEventListener("keydown", function (event) {
    var name = keyName(event);
    var plain = !event.altKey && !event.ctrlKey && !event.metaKey && event.key.length === 1;
    if (plain && isTyping(event.target)) return;
    if (name === "?" || name === "Shift+?") {
      event.preventDefault();
      showHelp();
      return;
    }
    var elements = document.querySelectorAll("[data-shortcut]");
    for (var i = 0; i < elements.length; i++) {
      if (normalise(elements[i].getAttribute("data-shortcut")) === name) {
        event.preventDefault();
        activate(elements[i]);
        return;
      }
    }
  });
})();
