/* The organization picker (branches/picker.py, templates/branches/_organization_picker.html): htmx fetches
   the matches under the text box; a click on one puts its id into the hidden input (and tells whoever
   listens to its "change": the entry forms' checklists) and its name into the box. Typing clears the id,
   so a typed code or name is what the server resolves on submit. */
(function () {
  "use strict";

  function pickerOf(element) { return element.closest("[data-picker]"); }

  function close(picker) {
    var choices = picker.querySelector("[data-picker-choices]");
    choices.innerHTML = "";
    picker.querySelector("[data-picker-input]").setAttribute("aria-expanded", "false");
  }

  function closeAll(except) {
    document.querySelectorAll("[data-picker]").forEach(function (picker) {
      if (picker !== except) { close(picker); }
    });
  }

  document.addEventListener("input", function (event) {
    if (event.target.matches("[data-picker-input]")) {
      var picker = pickerOf(event.target);
      delete picker.dataset.picked;
      picker.querySelector("[data-picker-value]").value = "";
    }
  });

  document.addEventListener("click", function (event) {
    var choice = event.target.closest("[data-pick-id]");
    var picker = choice && pickerOf(choice);
    if (picker) {
      var hidden = picker.querySelector("[data-picker-value]");
      hidden.value = choice.dataset.pickId;
      hidden.dispatchEvent(new Event("change", { bubbles: true }));  // a form's htmx reload listens
      var input = picker.querySelector("[data-picker-input]");
      input.value = choice.dataset.pickLabel;
      close(picker);
      picker.dataset.picked = "1";  // the focus below is not a new search (htmx:beforeRequest)
      input.focus();
      return;
    }
    closeAll(pickerOf(event.target));
  });

  document.addEventListener("keydown", function (event) {
    var picker = event.target.closest && pickerOf(event.target);
    if (!picker) { return; }
    var options = Array.prototype.slice.call(picker.querySelectorAll("[data-pick-id]"));
    var at = options.indexOf(event.target);
    if (event.key === "Escape") {
      close(picker);
      picker.querySelector("[data-picker-input]").focus();
    } else if (event.key === "ArrowDown" && options.length) {
      event.preventDefault();
      options[Math.min(at + 1, options.length - 1)].focus();
    } else if (event.key === "ArrowUp" && at >= 0) {
      event.preventDefault();
      (at === 0 ? picker.querySelector("[data-picker-input]") : options[at - 1]).focus();
    }
  });

  document.addEventListener("htmx:beforeRequest", function (event) {
    var picker = event.target.matches("[data-picker-input]") && pickerOf(event.target);
    if (picker && picker.dataset.picked) {
      delete picker.dataset.picked;
      event.preventDefault();
    }
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.target.matches("[data-picker-choices]")) {
      var open = event.target.children.length > 0;
      pickerOf(event.target).querySelector("[data-picker-input]").setAttribute("aria-expanded", String(open));
    }
  });
})();
