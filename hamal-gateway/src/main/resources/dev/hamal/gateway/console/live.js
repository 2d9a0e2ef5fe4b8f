// #/live: order changes as they happen, from an `sse` subscription of the signed-in key named
// "console live <key id>" (made on first use, reused after). EventSource cannot send the
// Authorization header, so the stream is read with fetch() and a stream reader, and resumed after a
// drop or a pause with Last-Event-ID: no gap, no duplicate. The last 200 changes are kept for the
// tab's session, so leaving the page and coming back shows them and continues after the last one.

import {api, ApiError, authorization, refusal} from './api.js';
import {aborted, errorBox, h, money, showError, sleep, statusLine, timeElement} from './dom.js';
import {orderLink} from './orders.js';

const KEEP = 200;
let state = fresh();

function fresh() {
  return {keyId: null, subscription: null, lastEventId: null, items: [], paused: false};
}

/** Forgets the stream's place and changes (on sign-out). */
export function resetLive() {
  state = fresh();
}

async function subscription(me, signal) {
  const name = `console live ${me.id}`;
  const list = await api('/v1/subscriptions', {signal});
  let mine = (list.subscriptions || []).find((s) => s.name === name && s.ownerKeyId === me.id && s.destination && s.destination.type === 'sse');
  if (!mine) {
    if (!me.scopes.subscribe) throw new ApiError(403, 'this key may not subscribe (scope subscribe), so it cannot follow changes');
    mine = await api('/v1/subscriptions', {method: 'POST', body: {name, destination: {type: 'sse'}}, signal});
  }
  if (mine.state === 'PAUSED') {
    mine = await api(`/v1/subscriptions/${encodeURIComponent(mine.id)}/resume`, {method: 'POST', signal});
  }
  return mine;
}

function changeItem(item) {
  if (item.failed) {
    return h('li', {class: 'change failed'},
      h('span', {class: 'op'}, 'FAILED'), ' ', item.orderId ? orderLink(item.orderId) : '', ' ',
      h('span', {}, item.error || 'the change could not be rendered'));
  }
  return h('li', {class: 'change', 'data-operation': item.operation || ''},
    timeElement(item.commitTime), ' ',
    h('span', {class: `op op-${(item.operation || '').toLowerCase()}`}, item.operation || 'CHANGE'), ' ',
    item.orderId ? orderLink(item.orderId) : '', ' ',
    h('span', {class: 'line'}, item.businessLine || ''), ' ',
    h('span', {class: 'badge'}, item.status || '—'), ' ',
    h('span', {class: 'amount'}, item.total === undefined ? '' : money(item.total, item.currency)));
}

function toItem(event, data) {
  let json;
  try {
    json = JSON.parse(data);
  } catch (e) {
    return {failed: true, error: 'an event that is not JSON'};
  }
  if (event === 'order-change-failed') return {failed: true, orderId: json.orderId, error: json.error};
  return {
    orderId: json.orderId,
    businessLine: json.businessLine,
    status: json.status,
    operation: json.operation,
    commitTime: json.commitTime || (json.times && json.times.updatedAt),
    total: json.amounts ? json.amounts.total : undefined,
    currency: json.currency,
  };
}

/** Reads one connection of the stream until it ends; throws ApiError for a refusal. */
async function read(id, signal, onOpen, onEvent) {
  const headers = {Accept: 'text/event-stream', ...authorization()};
  if (state.lastEventId) headers['Last-Event-ID'] = state.lastEventId;
  const response = await fetch(`/v1/subscriptions/${encodeURIComponent(id)}/events`, {headers, signal, cache: 'no-store', credentials: 'omit'});
  if (!response.ok) throw await refusal(response, false);
  onOpen();
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let event = 'message';
  let data = [];
  let eventId = null;
  for (;;) {
    const {value, done} = await reader.read();
    if (done) return;
    buffer += value;
    const lines = buffer.split('\n');
    buffer = lines.pop();
    for (const raw of lines) {
      const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
      if (line === '') {
        if (data.length) onEvent(event, data.join('\n'));
        if (eventId !== null) state.lastEventId = eventId;
        event = 'message';
        data = [];
        eventId = null;
      } else if (!line.startsWith(':')) {
        const at = line.indexOf(':');
        const name = at < 0 ? line : line.slice(0, at);
        let value = at < 0 ? '' : line.slice(at + 1);
        if (value.startsWith(' ')) value = value.slice(1);
        if (name === 'event') event = value;
        else if (name === 'data') data.push(value);
        else if (name === 'id' && !value.includes('\0')) eventId = value;
      }
    }
  }
}

export function livePage({begin, me}) {
  const ctx = begin('live', 'Live changes');
  if (state.keyId !== me.id) {
    resetLive();
    state.keyId = me.id;
  }
  const status = statusLine('live-status');
  const problem = errorBox('live-error');
  const toggle = h('button', {id: 'live-toggle', type: 'button', 'aria-pressed': String(state.paused)}, state.paused ? 'Resume' : 'Pause');
  const list = h('ol', {id: 'live-changes', class: 'changes', 'aria-live': 'polite', 'aria-relevant': 'additions', reversed: true});
  const count = h('p', {id: 'live-count', class: 'hint'});
  list.append(...state.items.map(changeItem));
  ctx.main.append(
    h('h1', {}, 'Live changes'),
    h('p', {}, 'Order changes of the business lines this key reads, newest first; the last 200 are kept.'),
    h('div', {class: 'actions'}, toggle), status, problem, count,
    h('section', {'aria-labelledby': 'live-title'}, h('h2', {id: 'live-title', class: 'visually-hidden'}, 'Changes'), list));

  const showCount = () => {
    count.textContent = `${state.items.length} changes shown${state.subscription ? ` · subscription ${state.subscription.id}` : ''}.`;
  };
  showCount();

  const add = (event, data) => {
    const item = toItem(event, data);
    state.items.unshift(item);
    list.prepend(changeItem(item));
    while (state.items.length > KEEP) {
      state.items.pop();
      list.lastElementChild.remove();
    }
    showCount();
  };

  let connection = null;

  async function run() {
    const controller = new AbortController();
    connection = controller;
    const signal = controller.signal;
    ctx.signal.addEventListener('abort', () => controller.abort(), {once: true});
    let wait = 1000;
    while (!signal.aborted) {
      try {
        if (!state.subscription) {
          status.textContent = 'Finding this key’s live subscription…';
          state.subscription = await subscription(me, signal);
          showCount();
        }
        status.textContent = 'Connecting…';
        await read(state.subscription.id, signal, () => {
          status.textContent = 'Connected: new changes appear at the top.';
          showError(problem, null);
          wait = 1000;
          ctx.loaded();
        }, add);
        status.textContent = 'The stream ended; reconnecting…';
      } catch (e) {
        if (aborted(e) || signal.aborted) return;
        if (e instanceof ApiError) {
          if (e.status === 401) return;
          if (e.status === 403) {
            showError(problem, e);
            status.textContent = 'Live changes are not available to this key.';
            ctx.loaded(false);
            return;
          }
          if (e.status === 400) state.lastEventId = null; // the position no longer applies: start at the end
          if (e.status === 404 || e.status === 409) state.subscription = null; // deleted or paused meanwhile
          if (e.status === 429) wait = Math.max(wait, 10000);
        }
        showError(problem, e);
        ctx.loaded(false);
        status.textContent = `Reconnecting in ${Math.round(wait / 1000)} s.`;
      }
      try {
        await sleep(wait, signal);
      } catch (e) {
        return;
      }
      wait = Math.min(wait * 2, 30000);
    }
  }

  toggle.addEventListener('click', () => {
    state.paused = !state.paused;
    toggle.setAttribute('aria-pressed', String(state.paused));
    toggle.textContent = state.paused ? 'Resume' : 'Pause';
    if (state.paused) {
      if (connection) connection.abort();
      status.textContent = 'Paused. Resuming continues right after the last change shown.';
    } else {
      run();
    }
  });

  if (state.paused) {
    status.textContent = 'Paused. Resuming continues right after the last change shown.';
    ctx.loaded();
  } else {
    run();
  }
}
