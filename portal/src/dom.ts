// Building DOM nodes: h() for HTML elements, svg() for SVG ones, show() to replace an
// element's content, fromTree() for a plain element tree (src/fhir.ts).
//
// Text goes in as text nodes and attribute values through setAttribute, so a name, a purpose
// or a document from the chain or a gateway is shown as text and never parsed as markup.
// eslint.config.js forbids innerHTML and the other HTML sinks, so this is the only way the
// page is built. No imports: test/dom.test.js loads this module alone.

/** An attribute value: true sets an empty attribute, false, null and undefined leave it out. */
export type AttrValue = string | number | boolean | null | undefined;
export type Attrs = Record<string, AttrValue>;
/** A child: a node, text (a string or number), nothing (null, undefined, false), or a list of them. */
export type Child = Node | string | number | null | undefined | false | readonly Child[];

function setAttrs(el: Element, attrs: Attrs | null | undefined): void {
  if (!attrs) return;
  for (const [name, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    el.setAttribute(name, v === true ? '' : String(v));
  }
}

/** The children as nodes and text, lists flattened, nothing left out. */
export function nodes(...children: Child[]): (Node | string)[] {
  const out: (Node | string)[] = [];
  const add = (c: Child): void => {
    if (c === null || c === undefined || c === false) return;
    if (Array.isArray(c)) (c as readonly Child[]).forEach(add);
    else if (typeof c === 'number') out.push(String(c));
    else out.push(c as Node | string);
  };
  children.forEach(add);
  return out;
}

/** An HTML element with attributes and children (strings become text nodes). */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Attrs | null, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  el.append(...nodes(...children));
  return el;
}

const SVG_NS = 'http://www.w3.org/2000/svg';
/** An SVG element with attributes and children (strings become text nodes). */
export function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs?: Attrs | null, ...children: Child[]): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  setAttrs(el, attrs);
  el.append(...nodes(...children));
  return el;
}

/** Replace the content of `el` with `children`. */
export function show(el: Element, ...children: Child[]): void {
  el.replaceChildren(...nodes(...children));
}

/** A plain element tree (tag, attributes, children): what src/fhir.ts describes a document
 * as, without the DOM. */
export interface ElementTree {
  tag: keyof HTMLElementTagNameMap;
  attrs: Record<string, string>;
  children: (ElementTree | string)[];
}

/** The DOM of an element tree. */
export function fromTree(tree: ElementTree): HTMLElement {
  return h(tree.tag, tree.attrs, tree.children.map((c) => (typeof c === 'string' ? c : fromTree(c))));
}

/** The query's element, which the code just rendered (an error when it is not there). */
export function $<E extends Element = HTMLElement>(root: ParentNode, selector: string): E {
  const el = root.querySelector<E>(selector);
  if (!el) throw new Error(`no ${selector} on the page`);
  return el;
}
