/* el(): build an element from a tag, its attributes and children. Text is always set as text,
 * never parsed as HTML: everything the court sends is shown as it was written. */

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (typeof value === "function") node.addEventListener(name.replace(/^on/, ""), value);
    else if (name === "class") node.className = value;
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** Replace what `container` shows. */
export function show(container, ...children) {
  container.replaceChildren(...children.flat(Infinity).filter(Boolean));
}
