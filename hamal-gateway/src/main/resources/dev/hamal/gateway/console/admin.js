// #/pipes, #/instances (refreshed every 2 s), #/dead-letters and #/dead-letters/{id}: the admin
// endpoints. Tables refresh in place — a cell's text changes only when its value did, and a row's
// buttons are kept — so keyboard focus and the reading position survive the refreshes. The live
// region announces what changed (a pipe's state, an instance joining), not every refresh.

import {api, ApiError, query} from './api.js';
import {
  aborted, bytes, dataTable, errorBox, h, number, row, setText, showError, sleep, statusLine, time,
  timeElement,
} from './dom.js';
import {orderLink} from './orders.js';

const REFRESH = 2000;

function adminNote(me) {
  return me.scopes.admin ? ''
    : h('p', {class: 'note'}, 'This page shows admin endpoints; this key is not an admin key, so the gateway refuses them.');
}

/**
 * Runs load() now and every REFRESH ms after the previous one finished, until the signal aborts or
 * load() answers false (a refusal that another try will not change, such as a 403).
 */
async function every(load, signal) {
  while (!signal.aborted) {
    if ((await load()) === false) return;
    try {
      await sleep(REFRESH, signal);
    } catch (e) {
      return;
    }
  }
}

/** Keeps a table body's rows in step with a list, one row per key, in the list's order. */
function syncRows(tbody, rows, items, keyOf, make, update) {
  const seen = new Set();
  let previous = null;
  for (const item of items) {
    const key = keyOf(item);
    seen.add(key);
    let entry = rows.get(key);
    if (!entry) {
      entry = make(item);
      rows.set(key, entry);
    }
    update(entry, item);
    const expected = previous ? previous.nextSibling : tbody.firstChild;
    if (expected !== entry.tr) tbody.insertBefore(entry.tr, expected);
    previous = entry.tr;
  }
  for (const [key, entry] of rows) {
    if (!seen.has(key)) {
      entry.tr.remove();
      rows.delete(key);
    }
  }
}

function cellsOf(tr) {
  const cells = {};
  for (const cell of tr.children) cells[cell.dataset.col] = cell;
  return cells;
}

function position(pipe) {
  if (pipe.committed) return `${pipe.committed.file}:${pipe.committed.position}`;
  return pipe.pendingStart ? `start ${pipe.pendingStart}` : '—';
}

function lag(pipe) {
  const seconds = pipe.lagSeconds === null || pipe.lagSeconds === undefined ? '—' : `${number(pipe.lagSeconds)} s`;
  return `${seconds} / ${bytes(pipe.lagBytes)}`;
}

export function pipesPage({begin, me}) {
  const ctx = begin('pipes', 'Pipes');
  const admin = Boolean(me.scopes.admin);
  const status = statusLine('pipes-status');
  const problem = errorBox('pipes-error');
  const updated = h('p', {id: 'pipes-updated', class: 'hint'});
  const columns = [['Pipe', 'name'], ['State', 'state'], ['Owner', 'owner'], ['Committed position', 'position'],
    ['Lag (time / bytes)', 'lag'], ['Rows/s', 'rows'], ['Reason', 'reason'], ['Updated', 'updated']];
  if (admin) columns.push(['Actions', 'actions']);
  const {wrap, tbody} = dataTable('pipes', 'Pipes, refreshed every 2 seconds', columns);
  ctx.main.append(h('h1', {}, 'Pipes'), adminNote(me), status, problem, wrap, updated);
  const rows = new Map();

  function actionButton(pipe, paused) {
    const pause = !paused;
    const button = h('button', {type: 'button', class: pause ? 'pause-pipe' : 'resume-pipe', 'aria-label': `${pause ? 'Pause' : 'Resume'} pipe ${pipe}`}, pause ? 'Pause' : 'Resume');
    button.addEventListener('click', async () => {
      button.disabled = true;
      try {
        await api(`/v1/admin/pipes/${encodeURIComponent(pipe)}/${pause ? 'pause' : 'resume'}`, {method: 'POST', signal: ctx.signal});
        status.textContent = `Pipe ${pipe} ${pause ? 'paused' : 'resumed'}.`;
        showError(problem, null);
        await load();
      } catch (e) {
        if (aborted(e)) return;
        showError(problem, e);
      } finally {
        button.disabled = false;
      }
    });
    return button;
  }

  async function load() {
    try {
      const answer = await api('/v1/admin/pipes', {signal: ctx.signal});
      const pipes = [...(answer.pipes || [])].sort((a, b) => String(a.name).localeCompare(String(b.name)));
      syncRows(tbody, rows, pipes, (p) => p.name, (p) => {
        const cells = columns.map(([, key]) => [key, '']);
        const tr = row(cells, {'data-pipe': p.name});
        return {tr, cells: cellsOf(tr), state: null, paused: null};
      }, (entry, p) => {
        const c = entry.cells;
        setText(c.name, p.name);
        setText(c.state, p.state);
        setText(c.owner, p.owner || '—');
        setText(c.position, position(p));
        setText(c.lag, lag(p));
        setText(c.rows, p.rowsPerSecond === null || p.rowsPerSecond === undefined ? '—' : number(p.rowsPerSecond, 1));
        setText(c.reason, p.reason || '');
        setText(c.updated, time(p.updatedAt));
        if (entry.state !== null && entry.state !== p.state) status.textContent = `Pipe ${p.name} is now ${p.state}.`;
        entry.state = p.state;
        const paused = p.state === 'PAUSED' || p.state === 'FAILED';
        if (admin && entry.paused !== paused) {
          const hadFocus = c.actions.contains(document.activeElement);
          const button = actionButton(p.name, paused);
          c.actions.replaceChildren(button);
          if (hadFocus) button.focus();
          entry.paused = paused;
        }
      });
      if (!pipes.length) status.textContent = 'No pipes are defined.';
      updated.textContent = `Updated ${time(new Date().toISOString())}.`;
      showError(problem, null);
      ctx.loaded();
    } catch (e) {
      if (aborted(e)) return true;
      showError(problem, e);
      ctx.loaded(false);
      return !(e instanceof ApiError && (e.status === 401 || e.status === 403));
    }
    return true;
  }
  every(load, ctx.signal);
}

export function instancesPage({begin, me}) {
  const ctx = begin('instances', 'Instances');
  const status = statusLine('instances-status');
  const problem = errorBox('instances-error');
  const updated = h('p', {id: 'instances-updated', class: 'hint'});
  const columns = [['Instance', 'id'], ['Role', 'leader'], ['Host', 'host'], ['Process', 'pid'], ['Started', 'startedAt'], ['Metrics', 'metrics']];
  const {wrap, tbody} = dataTable('instances', 'Listener instances, refreshed every 2 seconds', columns);
  ctx.main.append(h('h1', {}, 'Instances'), adminNote(me), status, problem, wrap, updated);
  const rows = new Map();
  let first = true;

  async function load() {
    try {
      const answer = await api('/v1/admin/instances', {signal: ctx.signal});
      const instances = [...(answer.instances || [])].sort((a, b) => String(a.id).localeCompare(String(b.id)));
      const news = [];
      syncRows(tbody, rows, instances, (i) => i.id, (i) => {
        const tr = row(columns.map(([, key]) => [key, '']), {'data-instance': i.id});
        if (!first) news.push(`Instance ${i.id} joined.`);
        return {tr, cells: cellsOf(tr), leader: null};
      }, (entry, i) => {
        const c = entry.cells;
        setText(c.id, i.id);
        setText(c.leader, i.leader ? 'leader' : 'member');
        setText(c.host, i.host || '—');
        setText(c.pid, i.pid ?? '—');
        setText(c.startedAt, time(i.startedAt));
        setText(c.metrics, i.metrics || '—');
        if (entry.leader === false && i.leader) news.push(`Instance ${i.id} now leads.`);
        entry.leader = Boolean(i.leader);
      });
      if (news.length) status.textContent = news.join(' ');
      else if (!instances.length) status.textContent = 'No listener instance is running.';
      first = false;
      updated.textContent = `Updated ${time(new Date().toISOString())}.`;
      showError(problem, null);
      ctx.loaded();
    } catch (e) {
      if (aborted(e)) return true;
      showError(problem, e);
      ctx.loaded(false);
      return !(e instanceof ApiError && (e.status === 401 || e.status === 403));
    }
    return true;
  }
  every(load, ctx.signal);
}

export function deadLettersPage({begin, me, params}) {
  const ctx = begin('dead-letters', 'Dead letters');
  const status = statusLine('dead-letters-status');
  const problem = errorBox('dead-letters-error');
  const include = h('input', {id: 'dl-include-replayed', type: 'checkbox', checked: params.get('includeReplayed') === 'true'});
  const refresh = h('button', {id: 'dl-refresh', type: 'button', class: 'secondary'}, 'Refresh');
  const {wrap, tbody} = dataTable('dead-letters', 'Dead letters, oldest first', [
    ['Letter', 'id'], ['Time', 'time'], ['Kind', 'kind'], ['Reason', 'reason'], ['Line', 'businessLine'],
    ['Order', 'orderId'], ['Sink', 'sink'], ['Replayed', 'replayed']]);
  ctx.main.append(h('h1', {}, 'Dead letters'), adminNote(me),
    h('div', {class: 'actions'}, h('div', {class: 'check'}, include, h('label', {for: 'dl-include-replayed'}, 'Include replayed letters')), refresh),
    status, problem, wrap);

  async function load() {
    tbody.parentElement.setAttribute('aria-busy', 'true');
    try {
      const answer = await api(`/v1/admin/dead-letters${query({includeReplayed: include.checked ? 'true' : ''})}`, {signal: ctx.signal});
      const letters = answer.deadLetters || [];
      const rows = document.createDocumentFragment();
      for (const l of letters) {
        rows.append(row([
          ['id', h('a', {href: `#/dead-letters/${encodeURIComponent(l.id)}`, class: 'letter-link'}, l.id)],
          ['time', timeElement(l.time)], ['kind', l.kind || '—'], ['reason', l.reason || '—'],
          ['businessLine', l.businessLine || '—'], ['orderId', l.orderId ? orderLink(l.orderId) : '—'],
          ['sink', l.sink || '—'], ['replayed', l.replayed ? timeElement(l.replayed) : 'no'],
        ], {'data-letter': l.id}));
      }
      tbody.replaceChildren(rows);
      status.textContent = letters.length ? `${letters.length} dead letters.` : 'No dead letters.';
      showError(problem, null);
      ctx.loaded();
    } catch (e) {
      if (aborted(e)) return;
      showError(problem, e);
      ctx.loaded(false);
    } finally {
      tbody.parentElement.removeAttribute('aria-busy');
    }
  }
  include.addEventListener('change', () => {
    history.replaceState(null, '', include.checked ? '#/dead-letters?includeReplayed=true' : '#/dead-letters');
    load();
  });
  refresh.addEventListener('click', load);
  load();
}

export function deadLetterPage({begin, me, args}) {
  const id = args[0];
  const ctx = begin('dead-letter', `Dead letter ${id}`);
  const status = statusLine('dead-letter-status');
  const problem = errorBox('dead-letter-error');
  const detail = h('section', {id: 'dead-letter', 'aria-labelledby': 'dead-letter-title', 'aria-busy': 'true'});
  ctx.main.append(h('p', {class: 'crumbs'}, h('a', {href: '#/dead-letters'}, '← Dead letters')),
    h('h1', {id: 'dead-letter-title'}, 'Dead letter ', h('span', {class: 'mono'}, id)), adminNote(me), status, problem, detail);

  api(`/v1/admin/dead-letters/${encodeURIComponent(id)}`, {signal: ctx.signal}).then((l) => {
    const fields = [['Time', timeElement(l.time)], ['Kind', l.kind], ['Reason', l.reason], ['Business line', l.businessLine],
      ['Order', l.orderId ? orderLink(l.orderId) : null], ['Sink', l.sink], ['Replayed', l.replayed ? timeElement(l.replayed) : 'no']];
    const list = h('dl', {class: 'fields'});
    for (const [label, value] of fields) list.append(h('div', {}, h('dt', {}, label), h('dd', {}, value ?? '—')));
    detail.append(list);
    if (me.scopes.admin) {
      const replay = h('button', {id: 'replay', type: 'button'}, 'Replay');
      replay.addEventListener('click', async () => {
        if (!window.confirm(`Replay dead letter ${id} through the current business-line mappings?`)) return;
        replay.disabled = true;
        try {
          const outcome = await api(`/v1/admin/dead-letters/${encodeURIComponent(id)}/replay`, {method: 'POST', signal: ctx.signal});
          status.textContent = `${outcome.replayed ? 'Replayed' : 'Not replayed'}: ${outcome.detail || ''}`;
          showError(problem, null);
        } catch (e) {
          if (!aborted(e)) showError(problem, e);
        } finally {
          replay.disabled = false;
        }
      });
      detail.append(h('div', {class: 'actions'}, replay));
    }
    detail.append(h('h2', {}, 'Body'), h('pre', {class: 'json', tabindex: '0'}, JSON.stringify(l.body, null, 2)));
    ctx.loaded();
  }).catch((e) => {
    if (aborted(e)) return;
    showError(problem, e instanceof ApiError && e.status === 404 ? new Error(`no dead letter ${id}`) : e);
    ctx.loaded(false);
  }).finally(() => detail.removeAttribute('aria-busy'));
}
