// Progressive enhancements; every page works without this file.
//  - A "Copy" button on code snippets marked data-copy.
//  - "/" moves the focus to the search box, unless typing in a field.
(function () {
  "use strict";

  function addCopyButtons() {
    if (!navigator.clipboard) {
      return;
    }
    document.querySelectorAll("pre[data-copy]").forEach(function (pre) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "copy-button";
      button.textContent = "Copy";
      button.setAttribute("aria-label", "Copy to the clipboard");
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(pre.textContent).then(function () {
          button.textContent = "Copied";
          setTimeout(function () { button.textContent = "Copy"; }, 1500);
        });
      });
      pre.parentNode.insertBefore(button, pre);
    });
  }

  function focusSearchOnSlash() {
    document.addEventListener("keydown", function (e) {
      if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey) {
        return;
      }
      var t = e.target;
      if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) {
        return;
      }
      var box = document.getElementById("home-search") || document.getElementById("search-q") ||
        document.getElementById("site-search");
      if (box) {
        e.preventDefault();
        box.focus();
      }
    });
  }

  function init() {
    addCopyButtons();
    focusSearchOnSlash();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
