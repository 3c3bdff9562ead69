// The order screen: picking a product from the matches with the keyboard.
//
// Typing a SKU, Tab, the quantity and Enter needs none of this (the server takes the exact SKU,
// or else the first match). Here: ArrowDown moves from the product box into the matches and
// ArrowUp/ArrowDown between them; Enter on a match (or a click) puts its SKU in the box and
// moves to the quantity; Escape goes back to the box. Enter in the box while the quantity is
// still empty takes the first match and moves to the quantity instead of submitting.
// Focus after a change comes from `autofocus` in the redrawn panel (htmx honours it).
(function () {
  "use strict";

  function box() {
    return document.getElementById("product-search");
  }

  function quantity() {
    return document.getElementById("line-quantity");
  }

  function matches() {
    return Array.prototype.slice.call(document.querySelectorAll("#product-matches [data-sku]"));
  }

  function pick(sku) {
    var input = box();
    var amount = quantity();
    if (!input || !amount) return;
    if (sku) input.value = sku;
    amount.focus();
    amount.select();
  }

  function bestMatch(typed) {
    var found = matches();
    var wanted = typed.trim().toLowerCase();
    for (var i = 0; i < found.length; i++) {
      if (found[i].getAttribute("data-sku").toLowerCase() === wanted) return found[i];
    }
    return found[0] || null;
  }

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    if (target === box()) {
      if (event.key === "ArrowDown") {
        var first = matches()[0];
        if (first) {
          event.preventDefault();
          first.focus();
        }
      } else if (event.key === "Enter" && quantity() && !quantity().value.trim() && target.value.trim()) {
        event.preventDefault();
        var match = bestMatch(target.value);
        pick(match ? match.getAttribute("data-sku") : null);
      }
      return;
    }
    if (target.matches && target.matches("#product-matches [data-sku]")) {
      var list = matches();
      var index = list.indexOf(target);
      if (event.key === "ArrowDown" && index < list.length - 1) {
        event.preventDefault();
        list[index + 1].focus();
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        (index > 0 ? list[index - 1] : box()).focus();
      } else if (event.key === "Escape") {
        event.preventDefault();
        box().focus();
      }
    }
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("#product-matches [data-sku]");
    if (button) {
      event.preventDefault();
      pick(button.getAttribute("data-sku"));
    }
  });

  // The delivery step's pick (III.12, Alt+A): an address with a person authorised to receive
  // goods there fills the address, receiver and phone boxes; Save terms (Enter) keeps them.
  document.addEventListener("change", function (event) {
    var select = event.target;
    if (!select || select.id !== "delivery-choice") return;
    var option = select.options[select.selectedIndex];
    if (!option || !option.value) return;
    var fields = {
      id_delivery_address: option.getAttribute("data-address"),
      id_receiver_name: option.getAttribute("data-receiver"),
      id_receiver_phone: option.getAttribute("data-phone"),
    };
    Object.keys(fields).forEach(function (id) {
      var input = document.getElementById(id);
      if (input) input.value = fields[id] || "";
    });
  });
})();
