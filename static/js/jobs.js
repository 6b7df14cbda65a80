/* Job progress bars: the width comes from data-width (no inline style attribute under the CSP), set when
   the page loads and again each time htmx swaps in a fresh progress partial. */
(function () {
  "use strict";

  function paint(root) {
    (root || document).querySelectorAll(".progress-bar[data-width]").forEach(function (bar) {
      var value = Math.max(0, Math.min(100, parseInt(bar.dataset.width, 10) || 0));
      bar.style.width = value + "%";
    });
  }

  document.addEventListener("DOMContentLoaded", function () { paint(document); });
  document.body.addEventListener("htmx:afterSwap", function () { paint(document); });
  if (document.readyState !== "loading") { paint(document); }
})();
