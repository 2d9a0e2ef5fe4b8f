// #/orders (search, find by id, cursor paging) and #/orders/{id} (one order and its history).

import {api, ApiError, query} from './api.js';
import {
  aborted, dataTable, errorBox, field, h, levelName, money, number, row, showError, statusLine,
  timeElement,
} from './dom.js';

export const STATUSES = ['CREATED', 'PAID', 'FULFILLING', 'SUCCEEDED', 'FAILED', 'CANCELLED', 'REFUNDING', 'REFUNDED', 'CLOSED'];
const PARAMETERS = ['businessLine', 'status', 'userId', 'createdFrom', 'createdTo', 'minAmount', 'maxAmount', 'product', 'limit'];

/** An order's link: #/orders/<id>. */
export function orderLink(orderId, attrs = {}) {
  return h('a', {class: 'order-link', href: `#/orders/${encodeURIComponent(orderId)}`, ...attrs}, orderId);
}

/** "answered by INDEX", with the degraded flag and each level's outcome. */
function levelSummary(answer, id) {
  const box = h('div', {class: 'level-summary', id});
  box.append(
    h('span', {}, 'Answered by '),
    h('strong', {'data-level': answer.level || ''}, levelName(answer.level)),
    ' ',
    answer.degraded
      ? h('span', {class: 'badge warn', title: 'a level ahead of it was unavailable; a fresher answer may exist'}, 'degraded')
      : h('span', {class: 'badge ok'}, 'not degraded'),
  );
  if (answer.levels && answer.levels.length) {
    box.append(' (', answer.levels.map((l, i) => `${i ? ', ' : ''}${levelName(l.level)} ${l.outcome} ${number(l.micros / 1000, 1)} ms`).join(''), ')');
  }
  return box;
}

function multiSelect(id, options, selected) {
  const select = h('select', {id, name: id, multiple: true, size: Math.max(3, Math.min(6, options.length))});
  for (const option of options) {
    select.append(h('option', {value: option, selected: selected.includes(option)}, option));
  }
  return select;
}

function localInput(id, iso) {
  const input = h('input', {id, name: id, type: 'datetime-local', step: '1'});
  if (iso) {
    const d = new Date(iso);
    if (!Number.isNaN(d.getTime())) {
      const local = new Date(d.getTime() - d.getTimezoneOffset() * 60000);
      input.value = local.toISOString().slice(0, 19);
    }
  }
  return input;
}

function fromLocal(value) {
  if (!value) return '';
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? '' : d.toISOString();
}

/** #/orders: the search form (its filters are in the hash, so a search can be linked and reloaded). */
export function searchPage({begin, me, params}) {
  const ctx = begin('orders', 'Orders');
  const known = me.readableBusinessLines || [];
  const chosenLines = params.getAll('businessLine');
  const lineOptions = [...new Set([...known, ...chosenLines.filter((l) => known.length === 0 || known.includes(l))])];

  // find by id
  const findInput = h('input', {id: 'find-order-id', name: 'find-order-id', type: 'search', autocomplete: 'off', spellcheck: 'false'});
  const findError = errorBox('find-error');
  const findForm = h('form', {id: 'find-form', class: 'card inline', role: 'search', 'aria-label': 'Find an order by id'},
    field('Order id', findInput, 'e.g. topup:42'),
    h('button', {id: 'find-order', type: 'submit'}, 'Find'), findError);
  findForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const id = findInput.value.trim();
    if (!id) {
      showError(findError, new Error('type an order id'));
      findInput.focus();
      return;
    }
    location.hash = `#/orders/${encodeURIComponent(id)}`;
  });

  // search
  const lines = multiSelect('q-business-lines', lineOptions, chosenLines);
  const otherLines = h('input', {id: 'q-other-lines', name: 'q-other-lines', type: 'text', autocomplete: 'off',
    value: known.length ? '' : chosenLines.join(', ')});
  const statuses = multiSelect('q-statuses', STATUSES, params.getAll('status'));
  const userId = h('input', {id: 'q-user-id', name: 'q-user-id', type: 'text', autocomplete: 'off', value: params.get('userId') || ''});
  const from = localInput('q-created-from', params.get('createdFrom'));
  const to = localInput('q-created-to', params.get('createdTo'));
  const min = h('input', {id: 'q-min-amount', name: 'q-min-amount', type: 'number', min: '0', step: '1', inputmode: 'numeric', value: params.get('minAmount') || ''});
  const max = h('input', {id: 'q-max-amount', name: 'q-max-amount', type: 'number', min: '0', step: '1', inputmode: 'numeric', value: params.get('maxAmount') || ''});
  const product = h('input', {id: 'q-product', name: 'q-product', type: 'text', autocomplete: 'off', value: params.get('product') || ''});
  const limit = h('select', {id: 'q-limit', name: 'q-limit'}, ['20', '50', '100'].map((n) => h('option', {value: n, selected: (params.get('limit') || '20') === n}, n)));
  const searchError = errorBox('search-error');
  const pick = 'Several: Ctrl-click (⌘-click), or Shift with the arrow keys. None: all.';
  const form = h('form', {id: 'order-search', class: 'card', 'aria-labelledby': 'order-search-title'},
    h('h2', {id: 'order-search-title'}, 'Search orders'),
    h('div', {class: 'grid'},
      field('Business lines', lines, known.length ? pick : 'This key reads every line and the gateway did not list them: type them below.'),
      known.length ? null : field('Business lines by name', otherLines, 'Comma-separated, e.g. topup, fuel. Empty: all.'),
      field('Statuses', statuses, pick),
      field('User id', userId),
      field('Created from (your time)', from),
      field('Created before (your time)', to),
      field('Total at least (minor units)', min),
      field('Total at most (minor units)', max),
      field('Product words', product),
      field('Orders per page', limit)),
    searchError,
    h('div', {class: 'actions'},
      h('button', {id: 'search', type: 'submit'}, 'Search'),
      h('button', {id: 'clear-search', type: 'button', class: 'secondary',
        onClick: () => { location.hash = '#/orders'; }}, 'Clear')));

  // results
  const status = statusLine('orders-status');
  const level = h('div', {id: 'orders-level', class: 'level-line'});
  const {wrap, tbody} = dataTable('orders', 'Orders, newest first', [
    ['Order id', 'orderId'], ['Line', 'businessLine'], ['Status', 'status'], ['User', 'userId'],
    ['Total', 'total'], ['Product', 'product'], ['Created', 'createdAt']]);
  const previous = h('button', {id: 'orders-prev', type: 'button', disabled: true}, 'Previous page');
  const next = h('button', {id: 'orders-next', type: 'button', disabled: true}, 'Next page');
  const pageNumber = h('span', {id: 'orders-page', class: 'page-number'});
  const results = h('section', {id: 'order-results', 'aria-labelledby': 'order-results-title'},
    h('h2', {id: 'order-results-title'}, 'Results'), status, level, wrap,
    h('nav', {class: 'pager', 'aria-label': 'Result pages'}, previous, pageNumber, next));

  ctx.main.append(h('h1', {}, 'Orders'), findForm, form, results);

  const filters = {};
  for (const name of PARAMETERS) {
    const values = params.getAll(name).filter((v) => v !== '');
    if (values.length) filters[name] = name === 'businessLine' || name === 'status' ? values : values[0];
  }
  const cursors = []; // the cursors of the pages before the shown one; [] on page 1
  let cursor = null; // the cursor of the shown page (null: page 1)
  let inFlight = null;

  async function load() {
    if (inFlight) inFlight.abort();
    const controller = new AbortController();
    inFlight = controller;
    ctx.signal.addEventListener('abort', () => controller.abort(), {once: true});
    previous.disabled = true;
    next.disabled = true;
    results.setAttribute('aria-busy', 'true');
    showError(searchError, null);
    try {
      const page = await api(`/v1/orders${query({...filters, cursor})}`, {signal: controller.signal});
      const rows = document.createDocumentFragment();
      for (const order of page.orders) {
        const amounts = order.amounts || {};
        rows.append(row([
          ['orderId', orderLink(order.orderId)],
          ['businessLine', order.businessLine ?? '—'],
          ['status', order.status ?? '—'],
          ['userId', order.userId ?? '—'],
          ['total', money(amounts.total, order.currency)],
          ['product', (order.product && order.product.name) || '—'],
          ['createdAt', timeElement(order.times && order.times.createdAt)],
        ], {'data-order': order.orderId}));
      }
      tbody.replaceChildren(rows);
      level.replaceChildren(levelSummary(page, 'orders-level-summary'));
      const n = cursors.length + 1;
      pageNumber.textContent = `Page ${n}`;
      status.textContent = page.orders.length
        ? `${page.orders.length} orders on page ${n}, answered by ${levelName(page.level)}${page.degraded ? ' (degraded)' : ''}.`
        : `No orders${n > 1 ? ' on this page' : ' match'}.`;
      previous.disabled = cursors.length === 0;
      next.disabled = !page.nextCursor;
      next.onclick = () => {
        cursors.push(cursor);
        cursor = page.nextCursor;
        load();
      };
      ctx.loaded();
    } catch (e) {
      if (aborted(e)) return;
      tbody.replaceChildren();
      level.replaceChildren();
      status.textContent = '';
      showError(searchError, e);
      previous.disabled = cursors.length === 0;
      ctx.loaded(false);
    } finally {
      if (inFlight === controller) {
        inFlight = null;
        results.removeAttribute('aria-busy');
      }
    }
  }

  previous.addEventListener('click', () => {
    cursor = cursors.pop() ?? null;
    load();
  });

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const chosen = [...lines.selectedOptions].map((o) => o.value);
    const typed = otherLines.value.split(',').map((l) => l.trim()).filter(Boolean);
    const wanted = {
      businessLine: [...new Set([...chosen, ...(known.length ? [] : typed)])],
      status: [...statuses.selectedOptions].map((o) => o.value),
      userId: userId.value.trim(),
      createdFrom: fromLocal(from.value),
      createdTo: fromLocal(to.value),
      minAmount: min.value,
      maxAmount: max.value,
      product: product.value.trim(),
      limit: limit.value === '20' ? '' : limit.value,
    };
    const target = `#/orders${query(wanted)}`;
    if (target === location.hash) {
      cursors.length = 0;
      cursor = null;
      load();
    } else {
      location.hash = target; // the page is drawn again from the hash
    }
  });

  load();
}

const FIELDS = [
  ['Order id', 'orderId', (o) => o.orderId],
  ['Business line', 'businessLine', (o) => o.businessLine],
  ['Status', 'status', (o) => o.status],
  ['User id', 'userId', (o) => o.userId],
  ['Source row', 'source', (o) => o.source && `${o.source.schema}.${o.source.table} #${o.source.id}`],
  ['Total', 'total', (o) => o.amounts && money(o.amounts.total, o.currency)],
  ['Paid', 'paid', (o) => o.amounts && o.amounts.paid !== undefined ? money(o.amounts.paid, o.currency) : undefined],
  ['Discount', 'discount', (o) => o.amounts && o.amounts.discount !== undefined ? money(o.amounts.discount, o.currency) : undefined],
  ['Refunded', 'refunded', (o) => o.amounts && o.amounts.refunded !== undefined ? money(o.amounts.refunded, o.currency) : undefined],
  ['Currency', 'currency', (o) => o.currency],
  ['Payment channel', 'paymentChannel', (o) => o.paymentChannel],
  ['Settlement', 'settlementState', (o) => o.settlementState],
  ['Product', 'product', (o) => o.product && [o.product.name, o.product.sku && `SKU ${o.product.sku}`, o.product.faceValue && `face value ${o.product.faceValue}`].filter(Boolean).join(' · ')],
  ['Created', 'createdAt', (o) => o.times && o.times.createdAt && timeElement(o.times.createdAt)],
  ['Paid at', 'paidAt', (o) => o.times && o.times.paidAt && timeElement(o.times.paidAt)],
  ['Finished', 'finishedAt', (o) => o.times && o.times.finishedAt && timeElement(o.times.finishedAt)],
  ['Updated', 'updatedAt', (o) => o.times && o.times.updatedAt && timeElement(o.times.updatedAt)],
  ['Stored state', 'state', (o) => o.state],
  ['Version', 'version', (o) => o.version],
  ['Committed at source', 'commitTime', (o) => o.commitTime && timeElement(o.commitTime)],
];

/** ext as rows: nested objects flattened to dotted keys, lists as JSON. */
function flatten(value, prefix, out) {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const keys = Object.keys(value);
    if (!keys.length && prefix) out.push([prefix, '{}']);
    for (const key of keys) flatten(value[key], prefix ? `${prefix}.${key}` : key, out);
  } else {
    out.push([prefix, typeof value === 'string' ? value : JSON.stringify(value)]);
  }
  return out;
}

function versionText(version) {
  if (!version) return '—';
  if (typeof version !== 'object') return String(version);
  return `${version.file}:${version.position} row ${version.row}`;
}

/** #/orders/{id}: the order by id, how it was found, its ext and its change history. */
export function detailPage({begin, args}) {
  const id = args[0];
  const ctx = begin('order', `Order ${id}`);
  const problem = errorBox('order-error');
  const detail = h('section', {id: 'order-detail', 'aria-labelledby': 'order-title', 'aria-busy': 'true'});
  const historyStatus = h('p', {id: 'order-history-status', class: 'status', role: 'status', 'aria-live': 'polite'}, 'Loading the history…');
  const history = dataTable('order-history-table', 'Changes, newest first', [
    ['Committed', 'committedAt'], ['Operation', 'operation'], ['Status', 'status'], ['Total', 'total'], ['Binlog position', 'version']]);
  history.tbody.id = 'order-history';
  ctx.main.append(
    h('p', {class: 'crumbs'}, h('a', {href: '#/orders'}, '← Orders')),
    h('h1', {id: 'order-title'}, 'Order ', h('span', {class: 'mono'}, id)),
    problem, detail,
    h('section', {'aria-labelledby': 'order-history-title'},
      h('h2', {id: 'order-history-title'}, 'Change history'), historyStatus, history.wrap));

  const encoded = encodeURIComponent(id);
  const order = api(`/v1/orders/${encoded}`, {signal: ctx.signal}).then((answer) => {
    const o = answer.order || {};
    const list = h('dl', {class: 'fields'});
    for (const [label, key, get] of FIELDS) {
      const value = get(o);
      list.append(h('div', {}, h('dt', {}, label), h('dd', {'data-field': key}, value === undefined || value === null || value === '' ? '—' : value)));
    }
    const levels = dataTable('order-levels', 'Levels tried, in order', [['Level', 'level'], ['Outcome', 'outcome'], ['Time', 'micros']]);
    for (const attempt of answer.levels || []) {
      levels.tbody.append(row([['level', levelName(attempt.level)], ['outcome', attempt.outcome], ['micros', `${number(attempt.micros / 1000, 1)} ms`]]));
    }
    const ext = dataTable('order-ext', 'Extension fields (ext)', [['Key', 'key'], ['Value', 'value']]);
    for (const [key, value] of flatten(o.ext || {}, '', [])) ext.tbody.append(row([['key', key], ['value', value]]));
    detail.append(
      h('div', {class: 'card level-card'},
        h('p', {}, 'Answered by ', h('strong', {id: 'order-level'}, levelName(answer.level)), ' ',
          answer.degraded
            ? h('span', {id: 'order-degraded', class: 'badge warn'}, 'degraded: a level ahead of it was unavailable, a fresher answer may exist')
            : h('span', {id: 'order-degraded', class: 'badge ok'}, 'not degraded'),
          answer.template ? ` · template ${answer.template}` : ''),
        levels.wrap),
      h('h2', {}, 'Fields'), list,
      h('h2', {}, 'Extension fields'),
      o.ext && Object.keys(o.ext).length ? '' : h('p', {}, 'This order has no extension fields.'),
      ext.wrap,
      h('details', {}, h('summary', {}, 'The document as JSON'), h('pre', {class: 'json'}, JSON.stringify(answer.order, null, 2))));
    ctx.title(`Order ${o.orderId || id}`);
  }).catch((e) => {
    if (aborted(e)) throw e;
    const message = e instanceof ApiError && e.status === 404
      ? `no order ${id} (or it belongs to a business line this key may not read)` : e.message;
    showError(problem, new Error(message));
    throw e;
  }).finally(() => detail.removeAttribute('aria-busy'));

  const changes = api(`/v1/orders/${encoded}/history`, {signal: ctx.signal}).then((answer) => {
    const rows = document.createDocumentFragment();
    for (const change of answer.changes || []) {
      const o = change.order || {};
      rows.append(row([
        ['committedAt', timeElement(change.committedAt)],
        ['operation', change.operation || '—'],
        ['status', change.status || o.status || '—'],
        ['total', o.amounts ? money(o.amounts.total, o.currency) : '—'],
        ['version', versionText(change.version)],
      ], {'data-operation': change.operation || ''}));
    }
    history.tbody.replaceChildren(rows);
    historyStatus.textContent = (answer.changes || []).length ? `${answer.changes.length} changes.` : 'No changes recorded.';
  }).catch((e) => {
    if (aborted(e)) throw e;
    historyStatus.textContent = e instanceof ApiError && (e.status === 404 || e.status === 503 || e.status === 405)
      ? `History unavailable (${e.status}: ${e.message}).` : `History unavailable: ${e.message}.`;
  });

  Promise.allSettled([order, changes]).then(([first]) => {
    if (!ctx.signal.aborted) ctx.loaded(first.status === 'fulfilled');
  });
}
