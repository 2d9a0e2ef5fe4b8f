// DOM helpers shared by the pages. Every piece of data reaches the page through textContent or an
// attribute set with setAttribute: never through HTML parsing, so no order field can inject markup.

// The SVG namespace, taken from the HTML parser (so no URL needs to be written here).
const SVG = new DOMParser().parseFromString('<svg></svg>', 'text/html').body.firstChild.namespaceURI;

function build(node, attrs, children) {
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      node.addEventListener(name.slice(2).toLowerCase(), value);
    } else if (name === 'dataset') {
      Object.assign(node.dataset, value);
    } else {
      node.setAttribute(name === 'className' ? 'class' : name, value === true ? '' : String(value));
    }
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** An HTML element: h('td', {class: 'x'}, 'text', otherNode). */
export function h(tag, attrs, ...children) {
  return build(document.createElement(tag), attrs, children);
}

/** An SVG element. */
export function s(tag, attrs, ...children) {
  return build(document.createElementNS(SVG, tag), attrs, children);
}

let ids = 0;
/** A document-unique id with a readable prefix. */
export function uid(prefix) {
  ids += 1;
  return `${prefix}-${ids}`;
}

/** A labelled form control: the label, the control, and an optional hint tied by aria-describedby. */
export function field(label, control, hint) {
  const wrap = h('div', {class: 'field'}, h('label', {for: control.id}, label), control);
  if (hint) {
    const hintId = `${control.id}-hint`;
    control.setAttribute('aria-describedby', hintId);
    wrap.append(h('p', {class: 'hint', id: hintId}, hint));
  }
  return wrap;
}

/**
 * A data table in a scrollable, keyboard-focusable region: returns {wrap, table, tbody}. Columns are
 * [label, key] pairs; the first column's cells are row headers.
 */
export function dataTable(id, caption, columns, extra = {}) {
  const captionId = `${id}-caption`;
  const table = h('table', {id, ...extra},
    h('caption', {id: captionId}, caption),
    h('thead', {}, h('tr', {}, columns.map(([label, key]) => h('th', {scope: 'col', dataset: {col: key}}, label)))));
  const tbody = h('tbody');
  table.append(tbody);
  const wrap = h('div', {class: 'table-wrap', role: 'region', 'aria-labelledby': captionId, tabindex: '0'}, table);
  return {wrap, table, tbody};
}

/** A row of cells; the first is a row header. Each cell is [key, content]. */
export function row(cells, attrs = {}) {
  const tr = h('tr', attrs);
  cells.forEach(([key, content], i) => {
    tr.append(h(i === 0 ? 'th' : 'td', i === 0 ? {scope: 'row', 'data-col': key} : {'data-col': key}, content));
  });
  return tr;
}

/** Sets a node's text only when it changed (no needless layout work on refreshes). */
export function setText(node, text) {
  const value = text === undefined || text === null ? '' : String(text);
  if (node.textContent !== value) node.textContent = value;
}

/** A polite live region for status messages. */
export function statusLine(id) {
  return h('p', {id, class: 'status', role: 'status', 'aria-live': 'polite'});
}

/** Shows an error (an ApiError or any Error) in a node, or clears it. */
export function showError(node, error) {
  node.replaceChildren();
  node.hidden = !error;
  if (error) node.append(h('strong', {}, 'Error: '), error.message || String(error));
}

/** An alert box for errors, hidden until used. */
export function errorBox(id) {
  return h('div', {id, class: 'error', role: 'alert', hidden: true});
}

const dateTime = new Intl.DateTimeFormat(undefined, {
  year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false,
});

/** An ISO instant in the browser's time zone, or a dash. */
export function time(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso) : dateTime.format(d);
}

/** A <time> element for an instant. */
export function timeElement(iso) {
  return iso ? h('time', {datetime: iso}, time(iso)) : '—';
}

const digitsCache = new Map();
function fractionDigits(currency) {
  if (!digitsCache.has(currency)) {
    let digits = 2;
    try {
      digits = new Intl.NumberFormat('en', {style: 'currency', currency}).resolvedOptions().maximumFractionDigits;
    } catch (e) {
      digits = 2;
    }
    digitsCache.set(currency, digits);
  }
  return digitsCache.get(currency);
}

/** An amount in minor units of a currency, formatted in major units (e.g. 1234 CNY → ¥12.34). */
export function money(minor, currency) {
  if (minor === undefined || minor === null) return '—';
  if (!currency) return number(minor);
  const digits = fractionDigits(currency);
  try {
    return new Intl.NumberFormat(undefined, {style: 'currency', currency}).format(Number(minor) / 10 ** digits);
  } catch (e) {
    return `${number(minor)} ${currency}`;
  }
}

const plain = new Intl.NumberFormat();
/** A number with grouping, or a dash. */
export function number(value, digits) {
  if (value === undefined || value === null || Number.isNaN(Number(value))) return '—';
  return digits === undefined ? plain.format(value) : Number(value).toFixed(digits);
}

/** Bytes as B / KiB / MiB / GiB. */
export function bytes(value) {
  if (value === undefined || value === null) return '—';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = Number(value);
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u += 1;
  }
  return `${u === 0 ? v : v.toFixed(1)} ${units[u]}`;
}

/** A level label of the API (cache, index, store, product-line) as the level's name (PRODUCT_LINE). */
export function levelName(label) {
  return label ? String(label).toUpperCase().replace(/-/g, '_') : 'NONE';
}

/** Resolves after ms, or rejects with an AbortError when the signal aborts first. */
export function sleep(ms, signal) {
  return new Promise((resolve, reject) => {
    if (signal && signal.aborted) {
      reject(new DOMException('aborted', 'AbortError'));
      return;
    }
    const timer = setTimeout(resolve, ms);
    if (signal) {
      signal.addEventListener('abort', () => {
        clearTimeout(timer);
        reject(new DOMException('aborted', 'AbortError'));
      }, {once: true});
    }
  });
}

/** Whether an error is the abort of a request or wait that its page no longer needs. */
export function aborted(error) {
  return error && error.name === 'AbortError';
}
