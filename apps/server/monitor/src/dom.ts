// Small DOM helpers. Every string from the server goes in through textContent or setAttribute, never as markup;
// the setters write only on change, so a render every second leaves untouched nodes (and selections, focus and
// open forms) alone.

/** Attributes of {@link el}: a value of undefined or false leaves the attribute out. */
export type Attrs = Readonly<Record<string, string | number | boolean | undefined>>;

/** Creates an HTML element with attributes and children (strings become text nodes). */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: readonly (Node | string)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) setAttr(node, name, value);
  node.append(...children);
  return node;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** Creates an SVG element with attributes. */
export function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Attrs = {}): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attrs)) setAttr(node, name, value);
  return node;
}

/** Sets (or, for undefined / false, removes) an attribute, only when it changes. */
export function setAttr(node: Element, name: string, value: string | number | boolean | undefined): void {
  if (value === undefined || value === false) {
    if (node.hasAttribute(name)) node.removeAttribute(name);
    return;
  }
  const text = value === true ? '' : String(value);
  if (node.getAttribute(name) !== text) node.setAttribute(name, text);
}

/** Sets a node's text, only when it changes. */
export function setText(node: Node, text: string): void {
  if (node.textContent !== text) node.textContent = text;
}

/** Shows or hides an element through its `hidden` attribute. */
export function setHidden(node: HTMLElement, hidden: boolean): void {
  if (node.hidden !== hidden) node.hidden = hidden;
}

/** Adds or removes a class, only when it changes. */
export function setClass(node: Element, name: string, on: boolean): void {
  if (node.classList.contains(name) !== on) node.classList.toggle(name, on);
}

/** The element under `root` with `data-field="<name>"`; throws when the page lacks it (a broken index.html). */
export function field<T extends Element = HTMLElement>(root: ParentNode, name: string): T {
  const found = root.querySelector<Element>(`[data-field="${name}"]`);
  if (found === null) throw new Error(`monitor page: no [data-field="${name}"]`);
  return found as T;
}

/** The element with the id; throws when the page lacks it. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (found === null) throw new Error(`monitor page: no #${id}`);
  return found as T;
}

/**
 * Puts `nodes` in `parent` in this order, moving only those out of place (moving a node blurs a focused input
 * inside it), and removes the children not listed.
 */
export function reconcileChildren(parent: Element, nodes: readonly Element[]): void {
  const keep = new Set<Node>(nodes);
  for (const child of Array.from(parent.children)) if (!keep.has(child)) child.remove();
  let cursor: Element | null = parent.firstElementChild;
  for (const node of nodes) {
    if (node === cursor) {
      cursor = cursor.nextElementSibling;
    } else {
      parent.insertBefore(node, cursor);
    }
  }
}
