// Skillwright Shop widgets: dropdown menus, modal dialogs, character counters. Vanilla JS, no dependencies.
(function () {
  "use strict";

  function closeMenu(button) {
    const menu = document.getElementById(button.getAttribute("aria-controls"));
    button.setAttribute("aria-expanded", "false");
    if (menu) menu.hidden = true;
  }

  function setupMenus() {
    const buttons = Array.from(document.querySelectorAll("[data-menu-button]"));
    buttons.forEach(function (button) {
      button.addEventListener("click", function (event) {
        event.stopPropagation();
        const menu = document.getElementById(button.getAttribute("aria-controls"));
        const open = button.getAttribute("aria-expanded") === "true";
        button.setAttribute("aria-expanded", String(!open));
        if (menu) menu.hidden = open;
      });
    });
    document.addEventListener("click", function (event) {
      buttons.forEach(function (button) {
        const menu = document.getElementById(button.getAttribute("aria-controls"));
        if (menu && !menu.contains(event.target)) closeMenu(button);
      });
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape") buttons.forEach(closeMenu);
    });
  }

  function setupDialogs() {
    let opener = null;
    document.querySelectorAll("[data-dialog-open]").forEach(function (button) {
      button.addEventListener("click", function () {
        const dialog = document.getElementById(button.getAttribute("data-dialog-open"));
        if (!dialog) return;
        opener = button;
        dialog.hidden = false;
        const focusable = dialog.querySelector("button, a, input, select, textarea");
        if (focusable) focusable.focus();
      });
    });
    document.querySelectorAll("[role=dialog]").forEach(function (dialog) {
      function close() {
        dialog.hidden = true;
        if (opener) opener.focus();
      }
      dialog.querySelectorAll("[data-dialog-close]").forEach(function (button) {
        button.addEventListener("click", close);
      });
      dialog.addEventListener("click", function (event) {
        if (event.target === dialog) close();
      });
      dialog.addEventListener("keydown", function (event) {
        if (event.key === "Escape") close();
      });
    });
  }

  // Live character count under a textarea: <p data-char-count-for="ID" data-min="10">.
  function setupCharCounts() {
    document.querySelectorAll("[data-char-count-for]").forEach(function (hint) {
      const field = document.getElementById(hint.getAttribute("data-char-count-for"));
      const min = Number(hint.getAttribute("data-min") || 0);
      if (!field) return;
      function update() {
        const n = field.value.trim().length;
        hint.textContent = n + " characters" + (n < min ? " (at least " + min + " needed)" : "");
      }
      field.addEventListener("input", update);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    setupMenus();
    setupDialogs();
    setupCharCounts();
  });
})();
