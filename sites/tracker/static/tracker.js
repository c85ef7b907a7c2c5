// Tracker widgets: dropdown menus, confirmation dialogs and the assignee autocomplete.
(function () {
  "use strict";

  function closeMenus(except) {
    document.querySelectorAll(".menu-button[aria-expanded='true']").forEach(function (btn) {
      if (btn === except) return;
      btn.setAttribute("aria-expanded", "false");
      var list = document.getElementById(btn.getAttribute("aria-controls"));
      if (list) list.hidden = true;
    });
  }

  function setupMenus() {
    document.querySelectorAll(".menu-button").forEach(function (btn) {
      btn.addEventListener("click", function (event) {
        event.stopPropagation();
        var list = document.getElementById(btn.getAttribute("aria-controls"));
        var open = btn.getAttribute("aria-expanded") === "true";
        closeMenus(btn);
        btn.setAttribute("aria-expanded", open ? "false" : "true");
        if (list) list.hidden = open;
      });
    });
    document.addEventListener("click", function (event) {
      if (!event.target.closest(".menu-list")) closeMenus(null);
    });
  }

  function setupConfirm() {
    document.querySelectorAll("form[data-confirm]").forEach(function (form) {
      var dialog = document.getElementById(form.getAttribute("data-confirm"));
      if (!dialog) return;
      var backdrop = document.querySelector(".modal-backdrop");
      var opener = null;
      function hide() {
        dialog.hidden = true;
        if (backdrop) backdrop.hidden = true;
        if (opener) opener.focus();
      }
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        opener = form.querySelector("button[type=submit]");
        dialog.hidden = false;
        if (backdrop) backdrop.hidden = false;
        dialog.querySelector("[data-confirm-yes]").focus();
      });
      dialog.querySelector("[data-confirm-yes]").addEventListener("click", function () {
        form.submit();
      });
      dialog.querySelector("[data-dismiss]").addEventListener("click", hide);
      dialog.addEventListener("keydown", function (event) {
        if (event.key === "Escape") hide();
      });
    });
  }

  function setupAutocomplete() {
    document.querySelectorAll("input[role=combobox][data-source]").forEach(function (input) {
      var list = document.getElementById(input.getAttribute("aria-controls"));
      var hidden = document.getElementById(input.getAttribute("data-target"));
      var seq = 0;
      function close() {
        list.hidden = true;
        input.setAttribute("aria-expanded", "false");
        input.removeAttribute("aria-activedescendant");
      }
      function choose(option) {
        input.value = option.getAttribute("data-value");
        hidden.value = option.getAttribute("data-value");
        close();
      }
      function show(users) {
        list.innerHTML = "";
        users.forEach(function (u, i) {
          var li = document.createElement("li");
          li.setAttribute("role", "option");
          li.id = input.id + "-option-" + i;
          li.setAttribute("data-value", u.username);
          li.textContent = u.name + " (@" + u.username + ")";
          li.addEventListener("mousedown", function (event) {
            event.preventDefault();
            choose(li);
          });
          list.appendChild(li);
        });
        var any = users.length > 0;
        list.hidden = !any;
        input.setAttribute("aria-expanded", any ? "true" : "false");
      }
      input.addEventListener("input", function () {
        hidden.value = "";
        var q = input.value.trim();
        if (!q) { close(); return; }
        var mine = ++seq;
        fetch(input.getAttribute("data-source") + "?q=" + encodeURIComponent(q))
          .then(function (r) { return r.json(); })
          .then(function (users) { if (mine === seq) show(users); });
      });
      input.addEventListener("keydown", function (event) {
        var options = Array.prototype.slice.call(list.querySelectorAll("[role=option]"));
        if (list.hidden || !options.length) return;
        var current = options.findIndex(function (o) { return o.getAttribute("aria-selected") === "true"; });
        if (event.key === "ArrowDown" || event.key === "ArrowUp") {
          event.preventDefault();
          var next = event.key === "ArrowDown" ? current + 1 : current - 1;
          next = (next + options.length) % options.length;
          options.forEach(function (o, i) { o.setAttribute("aria-selected", i === next ? "true" : "false"); });
          input.setAttribute("aria-activedescendant", options[next].id);
        } else if (event.key === "Enter" && current >= 0) {
          event.preventDefault();
          choose(options[current]);
        } else if (event.key === "Escape") {
          close();
        }
      });
      input.addEventListener("blur", close);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    setupMenus();
    setupConfirm();
    setupAutocomplete();
  });
})();
