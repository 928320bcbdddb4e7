/* Building elements (h) and re-rendering a part of the page without losing the focus. */

/** Build an element: h("button", {class: "x", "data-testid": "y", onclick: fn}, "text", child). */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [name, value] of Object.entries(attrs)) {
      if (value === null || value === undefined || value === false) continue;
      if (name.startsWith("on") && typeof value === "function") {
        el.addEventListener(name.slice(2), value);
      } else if (name === "class") {
        el.className = value;
      } else if (name === "text") {
        el.textContent = value;
      } else if (name in el && !name.includes("-") && typeof value !== "string") {
        el[name] = value;
      } else {
        el.setAttribute(name, value === true ? "" : String(value));
      }
    }
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** Re-render a part of the page and give focus back to what had it (by data-focus-key). */
export function keepingFocus(container, paint) {
  const active = document.activeElement;
  const key = active && container.contains(active) ? active.dataset.focusKey : null;
  const selection =
    key && typeof active.selectionStart === "number" ? [active.selectionStart, active.selectionEnd] : null;
  paint();
  if (!key) return;
  const again = container.querySelector(`[data-focus-key="${CSS.escape(key)}"]`);
  if (!again) return;
  again.focus({ preventScroll: true });
  if (selection) {
    try {
      again.setSelectionRange(...selection);
    } catch {
      /* not a text field */
    }
  }
}
