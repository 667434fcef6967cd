// Building DOM nodes without innerHTML: every string becomes a text node, so
// nothing the API returns (names, complaint texts, notes) can inject markup.

// h('td', {class: 'num', dataset: {figure: 'x'}}, 'text', child, [more])
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2), value);
    } else if (key === 'value' || key === 'checked' || key === 'selected') el[key] = value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else if (child instanceof Node) el.appendChild(child);
    else el.appendChild(document.createTextNode(String(child)));
  }
}

// Element.append without the traps: null, false and nested arrays are
// skipped or flattened (append would print "null").
export function add(el, ...children) {
  append(el, children);
  return el;
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

// A <select> from [value, label] pairs.
export function select(attrs, options, current) {
  return h('select', attrs, options.map(([value, label]) =>
    h('option', {value, selected: value === current}, label)));
}

// A labelled form field.
export function field(label, control) {
  return h('label', {class: 'field'}, h('span', {}, label), control);
}

// A table from column definitions [{title, cell: row => node|string, class,
// attrs: row => cell attributes}];
// rowAttrs(row) gives each <tr> its attributes.
export function table(columns, rows, {rowAttrs, ...attrs} = {}) {
  return h('table', attrs,
    h('thead', {}, h('tr', {}, columns.map(c => h('th', {class: c.class}, c.title)))),
    h('tbody', {}, rows.map(row => h('tr', rowAttrs ? rowAttrs(row) : {},
      columns.map(c => h('td', {class: c.class, ...(c.attrs ? c.attrs(row) : {})}, c.cell(row)))))));
}

export function section(title, ...children) {
  return h('section', {class: 'card'}, h('h2', {}, title), ...children);
}
