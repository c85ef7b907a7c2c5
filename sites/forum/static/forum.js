// Agora forum widgets: user dropdown menu, modal dialogs, reply toggles, forum autocomplete.
(function () {
  "use strict";

  // --- dropdown menu: a button toggling a role=menu list ------------------------------
  function setupMenu(root) {
    const button = root.querySelector("[aria-haspopup=menu]");
    const menu = document.getElementById(button.getAttribute("aria-controls"));
    function setOpen(open) {
      menu.hidden = !open;
      button.setAttribute("aria-expanded", String(open));
    }
    button.addEventListener("click", function (event) {
      event.stopPropagation();
      setOpen(menu.hidden);
      if (!menu.hidden) {
        const first = menu.querySelector("[role=menuitem]");
        if (first) first.focus();
      }
    });
    document.addEventListener("click", function (event) {
      if (!root.contains(event.target)) setOpen(false);
    });
    root.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        setOpen(false);
        button.focus();
      }
    });
  }

  // --- modal dialogs: [data-dialog-open=ID] shows #ID (role=dialog) ------------------
  function setupDialogs() {
    document.querySelectorAll("[data-dialog-open]").forEach(function (opener) {
      const dialog = document.getElementById(opener.getAttribute("data-dialog-open"));
      if (!dialog) return;
      function close() {
        dialog.hidden = true;
        opener.focus();
      }
      opener.addEventListener("click", function () {
        dialog.hidden = false;
        const focusable = dialog.querySelector("button, a, input, textarea");
        if (focusable) focusable.focus();
      });
      dialog.querySelectorAll("[data-dialog-close]").forEach(function (b) {
        b.addEventListener("click", close);
      });
      dialog.addEventListener("keydown", function (event) {
        if (event.key === "Escape") close();
      });
      dialog.addEventListener("click", function (event) {
        if (event.target === dialog) close();
      });
    });
  }

  // --- reply toggles: a button showing/hiding the reply form it controls -------------
  function setupReplies() {
    document.querySelectorAll("button[aria-controls^=reply-]").forEach(function (button) {
      const form = document.getElementById(button.getAttribute("aria-controls"));
      button.addEventListener("click", function () {
        const open = form.hidden;
        form.hidden = !open;
        button.setAttribute("aria-expanded", String(open));
        if (open) form.querySelector("textarea").focus();
      });
    });
  }

  // --- autocomplete: a server-rendered role=combobox input over a hidden <select> --------
  // Typing lists matching forum names in the listbox; choosing one (or typing a full name)
  // sets the hidden select, whose value is what the form posts.
  function setupAutocomplete(input) {
    const select = document.getElementById(input.getAttribute("data-autocomplete"));
    const list = document.getElementById(input.getAttribute("aria-controls"));
    const options = Array.from(select.options)
      .filter(function (o) { return o.value; })
      .map(function (o) { return { value: o.value, label: o.textContent.trim() }; });
    let active = -1;
    let matches = [];

    function sync() {
      const text = input.value.trim().toLowerCase();
      const exact = options.find(function (o) {
        return o.label.toLowerCase() === text || o.value.toLowerCase() === text;
      });
      select.value = exact ? exact.value : "";
    }
    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }
    function choose(option) {
      input.value = option.label;
      select.value = option.value;
      close();
    }
    function highlight(index) {
      active = index;
      Array.from(list.children).forEach(function (li, i) {
        li.setAttribute("aria-selected", String(i === index));
      });
      if (index >= 0) input.setAttribute("aria-activedescendant", list.children[index].id);
    }
    function render() {
      const text = input.value.trim().toLowerCase();
      matches = options.filter(function (o) { return o.label.toLowerCase().includes(text); });
      list.replaceChildren();
      matches.forEach(function (o, i) {
        const li = document.createElement("li");
        li.id = list.id + "-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.textContent = o.label;
        li.addEventListener("mousedown", function (event) {
          event.preventDefault();
          choose(o);
        });
        list.appendChild(li);
      });
      list.hidden = matches.length === 0;
      input.setAttribute("aria-expanded", String(!list.hidden));
      active = -1;
    }
    input.addEventListener("input", function () { sync(); render(); });
    input.addEventListener("focus", render);
    input.addEventListener("blur", function () { sync(); close(); });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        if (list.hidden) render();
        if (!matches.length) return;
        const step = event.key === "ArrowDown" ? 1 : -1;
        highlight((active + step + matches.length) % matches.length);
      } else if (event.key === "Enter" && !list.hidden && active >= 0) {
        event.preventDefault();
        choose(matches[active]);
      } else if (event.key === "Escape") {
        close();
      }
    });
    sync();
    if (document.activeElement === input) render();  // typed into before this script ran
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-menu]").forEach(setupMenu);
    setupDialogs();
    setupReplies();
    document.querySelectorAll("input[data-autocomplete]").forEach(setupAutocomplete);
  });
})();
