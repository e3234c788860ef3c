type Child = Node | string | false | undefined;
type Props<K extends keyof HTMLElementTagNameMap> = Partial<Omit<HTMLElementTagNameMap[K], 'dataset' | 'style'>> & {
  readonly dataset?: Record<string, string>;
  readonly style?: string;
};

/** Builds a DOM element with properties and children (strings become text, never HTML). */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props<K> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  const { dataset, style, ...rest } = props;
  Object.assign(el, rest);
  if (dataset !== undefined) Object.assign(el.dataset, dataset);
  if (style !== undefined) el.setAttribute('style', style);
  for (const c of children) if (c !== false && c !== undefined) el.append(c);
  return el;
}

/**
 * The menus are plain HTML over the canvas (inputs, buttons and lists are accessible, work with
 * phone keyboards and can be driven by tests), in the `#ui` layer. A scene mounts one panel and
 * unmounts it when it shuts down.
 */
export function mountPanel(panel: HTMLElement): () => void {
  const layer = document.getElementById('ui');
  if (layer === null) throw new Error('index.html lacks the #ui layer');
  layer.replaceChildren(panel);
  return () => {
    if (panel.parentElement === layer) panel.remove();
  };
}

/** A `<select>` of numbered or named options. */
export function select(id: string, options: readonly (readonly [value: string, label: string])[], value: string): HTMLSelectElement {
  const el = h('select', { id });
  for (const [v, label] of options) el.append(h('option', { value: v, textContent: label, selected: v === value }));
  return el;
}

/** A label around a control, with its caption first. */
export function field(caption: string, control: HTMLElement): HTMLLabelElement {
  return h('label', { className: 'field' }, h('span', { textContent: caption }), control);
}
