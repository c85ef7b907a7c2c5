// Skillwright Shop widgets: dropdown menus, modal dialogs. Vanilla JS, no dependencies.
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

  document.addEventListener("DOMContentLoaded", function () {
    setupMenus();
    setupDialogs();
  });
})();
