"use strict";
// An autocomplete box (select2) is named only by the value it shows, so an empty one has no name at all.
// Each is also named by its field's label (or, in a table row, by the name its hidden select carries).
(function () {
  function nameBox(box) {
    box.dataset.named = "true";
    const container = box.closest(".select2-container");
    const select = container && container.previousElementSibling;
    if (!select || select.tagName !== "SELECT") return;
    const label = select.id ? document.querySelector(`label[for="${select.id}"]`) : null;
    const shown = box.querySelector('.select2-selection__rendered[role="textbox"]');
    if (label) {
      label.id = label.id || `${select.id}-label`;
      box.setAttribute("aria-labelledby", shown ? `${label.id} ${shown.id}` : label.id);
      if (shown) shown.setAttribute("aria-labelledby", label.id);
    } else if (select.hasAttribute("aria-label")) {
      box.removeAttribute("aria-labelledby");
      box.setAttribute("aria-label", select.getAttribute("aria-label"));
      if (shown) shown.setAttribute("aria-label", select.getAttribute("aria-label"));
    }
  }

  function nameAll() {
    document.querySelectorAll('.select2-selection[role="combobox"]:not([data-named])').forEach(nameBox);
  }

  document.addEventListener("DOMContentLoaded", function () {
    nameAll();
    new MutationObserver(nameAll).observe(document.body, { childList: true, subtree: true });
  });
})();
