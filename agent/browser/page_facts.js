() => {
  // A form's named controls shadow its properties (an input named "action" replaces
  // form.action): read forms through prototype getters and Element methods only.
  const getter = (proto, prop) => Object.getOwnPropertyDescriptor(proto, prop).get;
  const formAction = (f) => getter(HTMLFormElement.prototype, "action").call(f);
  const formElements = (f) => Array.from(getter(HTMLFormElement.prototype, "elements").call(f));
  const attr = (el, name) => Element.prototype.getAttribute.call(el, name);
  const closest = (el, sel) => Element.prototype.closest.call(el, sel);
  const queryAll = (el, sel) => Array.from(Element.prototype.querySelectorAll.call(el, sel));
  const innerText = (el) => getter(HTMLElement.prototype, "innerText").call(el);
  // named forms and images shadow document properties too (<form name="title">)
  const docAll = (sel) => Array.from(Document.prototype.querySelectorAll.call(document, sel));
  const docOne = (sel) => Document.prototype.querySelector.call(document, sel);
  const docTitle = () => String(getter(Document.prototype, "title").call(document) || "");
  const docBody = () => getter(Document.prototype, "body").call(document);
  const visible = (el) => {
    if (!el) return false;
    const style = window.getComputedStyle(el);
    if (style.visibility === "hidden" || style.display === "none") return false;
    const r = Element.prototype.getBoundingClientRect.call(el);
    return r.width > 0 && r.height > 0;
  };
  const labelOf = (el) => {
    if (el.labels && el.labels.length) return el.labels[0].innerText.trim();
    if (el.getAttribute("aria-label")) return el.getAttribute("aria-label").trim();
    const by = el.getAttribute("aria-labelledby");
    if (by) {
      const ref = Document.prototype.getElementById.call(document, by);
      if (ref) return ref.innerText.trim();
    }
    const header = rowHeader(el);
    if (header) return innerText(header).trim();
    return (el.getAttribute("placeholder") || el.getAttribute("title") || "").trim();
  };
  // a form laid out as a table names a field in the header cell before it (<th>Priority</th>
  // <td><select>)
  const rowHeader = (el) => {
    const cell = closest(el, "td");
    let sib = cell ? cell.previousElementSibling : null;
    while (sib && sib.tagName !== "TH") sib = sib.previousElementSibling;
    return sib;
  };
  // the page marks a field required where the browser does not check it: aria-required, a
  // label or header cell of class "required", or a label ending in "*"
  const markedRequired = (el) => {
    if (el.getAttribute("aria-required") === "true") return true;
    const marks = [...(el.labels ? Array.from(el.labels) : []), rowHeader(el)].filter(Boolean);
    return marks.some((m) => /(^|[\s_-])required($|[\s_-])/i.test(m.getAttribute("class") || "")
      || /\*\s*:?\s*$/.test(innerText(m)));
  };
  // a field in a tab panel that is not shown: a selector of the tab that shows it (the
  // panel's aria-labelledby, a tab that aria-controls it or links to it)
  const tabOf = (el) => {
    const panel = closest(el, "[role=tabpanel]");
    if (!panel || visible(panel)) return "";
    const by = attr(panel, "aria-labelledby");
    const named = by ? Document.prototype.getElementById.call(document, by) : null;
    const id = panel.id ? CSS.escape(panel.id) : "";
    const tab = named && attr(named, "role") === "tab" ? named
      : id ? docOne(`[role=tab][aria-controls="${id}"], [role=tab][href="#${id}"]`) : null;
    if (!tab || !visible(tab)) return "";
    return tab.id ? `#${CSS.escape(tab.id)}` : id ? `[role=tab][aria-controls="${id}"], [role=tab][href="#${id}"]` : "";
  };
  const headingBefore = (el) => {
    let node = el;
    while (node) {
      let sib = node.previousElementSibling;
      while (sib) {
        if (/^H[1-6]$/.test(sib.tagName)) return sib.innerText.trim();
        const inner = sib.querySelector && sib.querySelector("h1,h2,h3,h4,h5,h6");
        if (inner) return inner.innerText.trim();
        sib = sib.previousElementSibling;
      }
      node = node.parentElement;
    }
    return "";
  };
  const forms = (docAll("form")).map((form, index) => {
    const fields = [];
    for (const el of formElements(form)) {
      const tag = el.tagName.toLowerCase();
      const type = (el.getAttribute("type") || (tag === "select" ? "select" : tag === "textarea" ? "textarea" : "text")).toLowerCase();
      if (tag === "button" || tag === "fieldset" || tag === "output" || tag === "object") continue;
      if (["submit", "button", "reset", "image"].includes(type)) continue;
      fields.push({
        tag, type, name: el.name || "", id: el.id || "", label: labelOf(el),
        has_label: !!(el.labels && el.labels.length) || !!el.getAttribute("aria-label"),
        placeholder: el.getAttribute("placeholder") || "",
        required: !!el.required, marked_required: !el.required && markedRequired(el),
        value: el.value || "", checked: !!el.checked,
        min: el.getAttribute("min"), max: el.getAttribute("max"),
        minlength: el.getAttribute("minlength"), maxlength: el.getAttribute("maxlength"),
        pattern: el.getAttribute("pattern"), readonly: !!el.readOnly, disabled: !!el.disabled,
        role: el.getAttribute("role") || "",
        visible: type === "hidden" ? false : visible(el),
        tab: type === "hidden" || visible(el) ? "" : tabOf(el),
        options: tag === "select" ? Array.from(el.options).map(o => ({label: o.label.trim(), value: o.value})) : [],
      });
    }
    const submits = queryAll(form, "button, input[type=submit]")
      .filter(b => (b.getAttribute("type") || "submit").toLowerCase() === "submit")
      .map(b => ({text: (b.innerText || b.value || b.getAttribute("aria-label") || "").trim(), visible: visible(b),
                  name: attr(b, "name") || "", disabled: !!b.disabled}));
    return {
      index, method: (attr(form, "method") || "get").toLowerCase(),
      action: attr(form, "action") || "", action_url: formAction(form),
      fields, submits, visible: visible(form), heading: headingBefore(form),
      novalidate: Element.prototype.hasAttribute.call(form, "novalidate"),
      in_dialog: !!closest(form, "[role=dialog],dialog"),
      in_main: !!closest(form, "main"),
      row_text: (() => { const row = closest(form, "li,tr,article"); return row ? innerText(row).trim().slice(0, 200) : ""; })(),
    };
  });
  const links = (docAll("a[href]")).map(a => ({
    href: a.href, text: a.innerText.trim().replace(/\s+/g, " "),
    in_main: !!closest(a, "main, [role=main]"), in_nav: !!closest(a, "nav, [role=navigation], header, footer, #header, #footer, .nav, .navbar, .menu, [id$=nav]"), visible: visible(a),
  }));
  const h1 = docOne("h1");
  const alerts = (docAll("[role=alert]:not(h1, h2, h3, h4, h5, h6)")).filter(visible).map(e => e.innerText.trim());
  const statuses = (docAll("[role=status]")).filter(visible).map(e => e.innerText.trim());
  // the site's own notices: live regions, flash/message boxes (success and error alike)
  const NOTICE = "[aria-live], [role=status], .flash, .flashes, .notice, .notification, .messages, " +
    ".message, .alert, .ok-message, .error-message, .errorlist, .errornote, .system-message, #notice, #warning";
  const notices = (docAll(NOTICE)).filter(visible)
    .map(e => innerText(e).trim().replace(/\s+/g, " ")).filter(t => t && t.length < 300);
  // error notices that are not role=alert: classes and ids that say error or warning
  const ERRORS = ".error-message, .errorlist, .errornote, .alert-danger, .alert-error, .flash-error, " +
    ".system-message:not(#notice), #warning, .messages .error";
  const errors = (docAll(ERRORS)).filter(visible)
    .map(e => innerText(e).trim().replace(/\s+/g, " ")).filter(Boolean);
  const main = docOne("main, [role=main]");
  return {url: location.href, title: docTitle(), h1: h1 ? h1.innerText.trim() : "", forms, links, alerts, statuses, notices, errors, has_main: !!main,
          text: (docBody() ? innerText(docBody()) : "").slice(0, 5000)};
}
