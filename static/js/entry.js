/* Data-entry pages: attendance checklists ("tick everyone", "clear", a running count). No inline code. */
(function () {
  "use strict";

  function setUp(list) {
    if (list.dataset.checklistReady) {
      return;
    }
    list.dataset.checklistReady = "1";
    var boxes = function () {
      return list.querySelectorAll('input[type="checkbox"]');
    };
    var count = list.querySelector("[data-checklist-count]");
    var update = function () {
      if (!count) {
        return;
      }
      var all = boxes();
      var ticked = 0;
      all.forEach(function (box) {
        if (box.checked) {
          ticked += 1;
        }
      });
      count.textContent = ticked + " / " + all.length;
    };
    var setAll = function (value) {
      boxes().forEach(function (box) {
        box.checked = value;
      });
      update();
    };
    var all = list.querySelector("[data-checklist-all]");
    var none = list.querySelector("[data-checklist-none]");
    if (all) {
      all.addEventListener("click", function () {
        setAll(true);
      });
    }
    if (none) {
      none.addEventListener("click", function () {
        setAll(false);
      });
    }
    list.addEventListener("change", update);
    update();
  }

  // Progress bars: the width comes from data-progress (a style attribute would break the CSP).
  function setProgress(root) {
    root.querySelectorAll("[data-progress]").forEach(function (bar) {
      bar.style.width = Math.max(0, Math.min(100, Number(bar.dataset.progress) || 0)) + "%";
    });
  }

  // A select that changes the page (the year of the branch page) submits its form.
  function setAutosubmit(root) {
    root.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      if (select.dataset.autosubmitReady) {
        return;
      }
      select.dataset.autosubmitReady = "1";
      select.addEventListener("change", function () {
        select.form.submit();
      });
    });
  }

  function setUpAll(root) {
    (root || document).querySelectorAll("[data-checklist]").forEach(setUp);
    setProgress(root || document);
    setAutosubmit(root || document);
  }

  // A form sent back with errors: the summary at the top takes the focus (read out, in view), and each of
  // its links moves the focus to its field.
  function focusErrors() {
    var summary = document.getElementById("error-summary");
    if (!summary) {
      return;
    }
    summary.focus();
    summary.querySelectorAll("[data-error-link]").forEach(function (link) {
      link.addEventListener("click", function (event) {
        var target = document.getElementById(link.getAttribute("href").slice(1));
        if (!target) {
          return;
        }
        event.preventDefault();
        var field = target.matches("input, select, textarea") ? target : target.querySelector("input, select, textarea");
        target.scrollIntoView({ block: "center" });
        (field || target).focus({ preventScroll: true });
      });
    });
  }

  // Typing an 18-character ID number fills an empty birth date and gender from it (digits 7-14 and the
  // parity of the 17th); the server checks the same and fills them when left empty (members/idnumbers.py).
  function fillFromIdNumber(root) {
    root.querySelectorAll('input[name$="id_number"]').forEach(function (input) {
      var form = input.form;
      var birth = form && form.querySelector('input[name$="birth_date"]');
      var gender = form && form.querySelector('select[name$="gender"]');
      if (!birth && !gender) {
        return;
      }
      input.addEventListener("input", function () {
        var match = /^\d{6}(\d{4})(\d{2})(\d{2})\d{2}(\d)[\dXx]$/.exec(input.value.trim());
        if (!match) {
          return;
        }
        if (birth && !birth.value) {
          birth.value = match[1] + "-" + match[2] + "-" + match[3];
        }
        if (gender && !gender.value) {
          gender.value = Number(match[4]) % 2 ? "male" : "female";
        }
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    setUpAll(document);
    fillFromIdNumber(document);
    focusErrors();
  });
  // A checklist reloaded by htmx for another organization.
  document.addEventListener("htmx:afterSettle", function () {
    setUpAll(document);
  });
  document.addEventListener("htmx:oobAfterSwap", function () {
    setUpAll(document);
  });
})();
