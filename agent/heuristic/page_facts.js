() => {
  const visible = (el) => {
    if (!el) return false;
    const style = window.getComputedStyle(el);
    if (style.visibility === "hidden" || style.display === "none") return false;
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0;
  };
  const labelOf = (el) => {
    if (el.labels && el.labels.length) return el.labels[0].innerText.trim();
    if (el.getAttribute("aria-label")) return el.getAttribute("aria-label").trim();
    const by = el.getAttribute("aria-labelledby");
    if (by) {
      const ref = document.getElementById(by);
      if (ref) return ref.innerText.trim();
    }
    return (el.getAttribute("placeholder") || el.getAttribute("title") || "").trim();
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
  const forms = Array.from(document.forms).map((form, index) => {
    const fields = [];
    for (const el of Array.from(form.elements)) {
      const tag = el.tagName.toLowerCase();
      const type = (el.getAttribute("type") || (tag === "select" ? "select" : tag === "textarea" ? "textarea" : "text")).toLowerCase();
      if (tag === "button" || tag === "fieldset" || tag === "output" || tag === "object") continue;
      if (["submit", "button", "reset", "image"].includes(type)) continue;
      fields.push({
        tag, type, name: el.name || "", id: el.id || "", label: labelOf(el),
        has_label: !!(el.labels && el.labels.length) || !!el.getAttribute("aria-label"),
        placeholder: el.getAttribute("placeholder") || "",
        required: !!el.required, value: el.value || "", checked: !!el.checked,
        min: el.getAttribute("min"), max: el.getAttribute("max"),
        minlength: el.getAttribute("minlength"), maxlength: el.getAttribute("maxlength"),
        pattern: el.getAttribute("pattern"), readonly: !!el.readOnly,
        role: el.getAttribute("role") || "",
        visible: type === "hidden" ? false : visible(el),
        options: tag === "select" ? Array.from(el.options).map(o => ({label: o.label.trim(), value: o.value})) : [],
      });
    }
    const submits = Array.from(form.querySelectorAll("button, input[type=submit]"))
      .filter(b => (b.getAttribute("type") || "submit").toLowerCase() === "submit")
      .map(b => ({text: (b.innerText || b.value || b.getAttribute("aria-label") || "").trim(), visible: visible(b)}));
    return {
      index, method: (form.getAttribute("method") || "get").toLowerCase(),
      action: form.getAttribute("action") || "", action_url: form.action,
      fields, submits, visible: visible(form), heading: headingBefore(form),
      in_dialog: !!form.closest("[role=dialog],dialog"),
      in_main: !!form.closest("main"),
      row_text: (form.closest("li,tr,article") || {innerText: ""}).innerText.trim().slice(0, 200),
    };
  });
  const links = Array.from(document.querySelectorAll("a[href]")).map(a => ({
    href: a.href, text: a.innerText.trim().replace(/\s+/g, " "),
    in_main: !!a.closest("main"), in_nav: !!a.closest("nav"), visible: visible(a),
  }));
  const h1 = document.querySelector("h1");
  const alerts = Array.from(document.querySelectorAll("[role=alert]")).filter(visible).map(e => e.innerText.trim());
  const statuses = Array.from(document.querySelectorAll("[role=status]")).filter(visible).map(e => e.innerText.trim());
  return {url: location.href, title: document.title, h1: h1 ? h1.innerText.trim() : "", forms, links, alerts, statuses,
          text: (document.body ? document.body.innerText : "").slice(0, 5000)};
}
