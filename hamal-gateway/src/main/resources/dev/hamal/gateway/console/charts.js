// #/charts: orders and amounts over time from /v1/analytics/orders, by business line and by status.
// Each chart is drawn by hand as inline SVG (role="img" with a title and a description), with a
// legend, and followed by the same numbers as a table (table.chart-data) for screen readers and for
// anyone who wants the figures.

import {api, query} from './api.js';
import {aborted, errorBox, field, h, number, s, showError, statusLine, uid} from './dom.js';
import {STATUSES} from './orders.js';

const RANGES = [
  ['6h', 'Last 6 hours', 6, 'hour'],
  ['24h', 'Last 24 hours', 24, 'hour'],
  ['72h', 'Last 3 days', 72, 'hour'],
  ['7d', 'Last 7 days', 7, 'day'],
  ['30d', 'Last 30 days', 30, 'day'],
];
// Colours with at least 3:1 contrast against the white background (WCAG 1.4.11).
const PALETTE = ['#1f5fa8', '#c2410c', '#15803d', '#7e22ce', '#b91c1c', '#0f766e', '#a16207', '#be185d', '#4d5b6a'];
const MAX_SERIES = 9;
const W = 760;
const H = 280;
const M = {top: 16, right: 16, bottom: 40, left: 64};
const compact = new Intl.NumberFormat(undefined, {notation: 'compact', maximumFractionDigits: 1});

/** The bucket boundaries of a range: [from, to) with its interval, ending at the next boundary. */
function bucketWindow(range) {
  const [, , count, interval] = range;
  const end = new Date();
  if (interval === 'hour') {
    end.setMinutes(0, 0, 0);
    end.setHours(end.getHours() + 1);
  } else {
    end.setHours(0, 0, 0, 0);
    end.setDate(end.getDate() + 1);
  }
  const starts = [];
  const cursor = new Date(end);
  for (let i = 0; i < count; i++) {
    if (interval === 'hour') cursor.setHours(cursor.getHours() - 1);
    else cursor.setDate(cursor.getDate() - 1);
    starts.unshift(cursor.getTime());
  }
  return {from: new Date(starts[0]), to: end, interval, starts};
}

/** Series (one per group) over the starts; groups beyond MAX_SERIES are merged into "other". */
function series(answer, starts, order) {
  const index = new Map(starts.map((t, i) => [t, i]));
  const extra = [];
  for (const b of answer.buckets || []) {
    const t = Date.parse(b.start);
    if (!index.has(t)) extra.push(t);
  }
  const all = [...starts, ...new Set(extra)].sort((a, b) => a - b);
  const at = new Map(all.map((t, i) => [t, i]));
  const groups = new Map();
  for (const b of answer.buckets || []) {
    const name = b.group ?? 'all';
    if (!groups.has(name)) groups.set(name, {name, orders: new Array(all.length).fill(0), amount: new Array(all.length).fill(0), total: 0});
    const g = groups.get(name);
    const i = at.get(Date.parse(b.start));
    g.orders[i] += b.orders;
    g.amount[i] += b.totalAmount;
    g.total += b.orders;
  }
  let list = [...groups.values()];
  list.sort(order ? (a, b) => order.indexOf(a.name) - order.indexOf(b.name) : (a, b) => b.total - a.total || String(a.name).localeCompare(String(b.name)));
  if (list.length > MAX_SERIES) {
    const other = {name: 'other', orders: new Array(all.length).fill(0), amount: new Array(all.length).fill(0), total: 0};
    for (const g of list.slice(MAX_SERIES - 1)) {
      g.orders.forEach((v, i) => { other.orders[i] += v; });
      g.amount.forEach((v, i) => { other.amount[i] += v; });
      other.total += g.total;
    }
    list = [...list.slice(0, MAX_SERIES - 1), other];
  }
  return {times: all, groups: list.map((g, i) => ({...g, color: PALETTE[i % PALETTE.length]}))};
}

function niceMax(value) {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 2.5, 5, 10].find((f) => f * power >= value / 1.0001);
  return step * power;
}

function label(t, interval) {
  const d = new Date(t);
  return interval === 'hour'
    ? `${String(d.getHours()).padStart(2, '0')}:00`
    : `${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

function fullLabel(t, interval) {
  const d = new Date(t);
  const day = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
  return interval === 'hour' ? `${day} ${label(t, interval)}` : day;
}

/** Axes, grid and x labels; returns the y scale. */
function axes(svg, times, max, interval) {
  const plotH = H - M.top - M.bottom;
  const y = (v) => M.top + plotH - (v / max) * plotH;
  const grid = s('g', {class: 'grid', 'aria-hidden': 'true'});
  for (let i = 0; i <= 4; i++) {
    const v = (max / 4) * i;
    grid.append(
      s('line', {x1: M.left, x2: W - M.right, y1: y(v), y2: y(v)}),
      s('text', {x: M.left - 8, y: y(v) + 4, 'text-anchor': 'end'}, compact.format(v)));
  }
  const plotW = W - M.left - M.right;
  const every = Math.max(1, Math.ceil(times.length / 12));
  times.forEach((t, i) => {
    if (i % every === 0) {
      const x = M.left + (i + 0.5) * (plotW / times.length);
      grid.append(s('text', {x, y: H - M.bottom + 18, 'text-anchor': 'middle'}, label(t, interval)));
    }
  });
  svg.append(grid);
  return y;
}

function frame(title, description) {
  const titleId = uid('chart-title');
  const descId = uid('chart-desc');
  const svg = s('svg', {class: 'chart', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-labelledby': `${titleId} ${descId}`, focusable: 'false'},
    s('title', {id: titleId}, title), s('desc', {id: descId}, description));
  return svg;
}

function stackedBars(title, data, interval) {
  const totals = data.times.map((_, i) => data.groups.reduce((sum, g) => sum + g.orders[i], 0));
  const svg = frame(title, `Stacked bars, one per ${interval}; the data table below holds the same numbers.`);
  const max = niceMax(Math.max(0, ...totals));
  const y = axes(svg, data.times, max, interval);
  const plotW = W - M.left - M.right;
  const band = plotW / Math.max(1, data.times.length);
  const bars = s('g', {'aria-hidden': 'true'});
  data.times.forEach((t, i) => {
    let base = 0;
    for (const g of data.groups) {
      const v = g.orders[i];
      if (v > 0) {
        const rect = s('rect', {x: M.left + i * band + band * 0.1, width: Math.max(1, band * 0.8), y: y(base + v), height: Math.max(0.5, y(base) - y(base + v)), fill: g.color},
          s('title', {}, `${fullLabel(t, interval)} · ${g.name}: ${number(v)}`));
        bars.append(rect);
      }
      base += v;
    }
  });
  svg.append(bars);
  return svg;
}

function lines(title, data, interval) {
  const svg = frame(title, `Lines, one point per ${interval}; the data table below holds the same numbers.`);
  const max = niceMax(Math.max(0, ...data.groups.flatMap((g) => g.amount)));
  const y = axes(svg, data.times, max, interval);
  const plotW = W - M.left - M.right;
  const band = plotW / Math.max(1, data.times.length);
  const group = s('g', {'aria-hidden': 'true'});
  data.groups.forEach((g, n) => {
    const points = g.amount.map((v, i) => `${(M.left + (i + 0.5) * band).toFixed(1)},${y(v).toFixed(1)}`);
    group.append(s('polyline', {points: points.join(' '), fill: 'none', stroke: g.color, 'stroke-width': 2, 'stroke-dasharray': n % 2 ? '6 3' : null}));
  });
  svg.append(group);
  return svg;
}

function legend(groups, dashed) {
  return h('ul', {class: 'legend'}, groups.map((g, n) => h('li', {},
    s('svg', {viewBox: '0 0 24 12', width: 24, height: 12, 'aria-hidden': 'true', focusable: 'false'},
      dashed
        ? s('line', {x1: 0, x2: 24, y1: 6, y2: 6, stroke: g.color, 'stroke-width': 3, 'stroke-dasharray': n % 2 ? '6 3' : null})
        : s('rect', {width: 24, height: 12, fill: g.color})),
    ` ${g.name}`)));
}

function dataTable(caption, data, interval, key, format) {
  const table = h('table', {class: 'chart-data'},
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, h('th', {scope: 'col'}, interval === 'hour' ? 'Hour starting' : 'Day'),
      data.groups.map((g) => h('th', {scope: 'col'}, g.name)), h('th', {scope: 'col'}, 'All'))));
  const body = h('tbody');
  data.times.forEach((t, i) => {
    const values = data.groups.map((g) => g[key][i]);
    body.append(h('tr', {}, h('th', {scope: 'row'}, h('time', {datetime: new Date(t).toISOString()}, fullLabel(t, interval))),
      values.map((v) => h('td', {}, format(v))), h('td', {}, format(values.reduce((a, b) => a + b, 0)))));
  });
  table.append(body);
  return h('details', {class: 'chart-table'}, h('summary', {}, `${caption}: the numbers as a table`), h('div', {class: 'table-wrap'}, table));
}

function figure(title, chart, legendList, table) {
  const id = uid('figure');
  return h('figure', {class: 'chart-figure', 'aria-labelledby': id}, h('figcaption', {id}, title), chart, legendList, table);
}

export function chartsPage({begin, params}) {
  const ctx = begin('charts', 'Charts');
  const chosen = RANGES.find((r) => r[0] === params.get('range')) || RANGES[1];
  const select = h('select', {id: 'chart-range', name: 'chart-range'}, RANGES.map(([value, text]) => h('option', {value, selected: value === chosen[0]}, text)));
  const form = h('form', {id: 'chart-form', class: 'card inline'}, field('Time range', select), h('button', {id: 'chart-show', type: 'submit'}, 'Show'));
  const status = statusLine('charts-status');
  const problem = errorBox('charts-error');
  const figures = h('div', {id: 'charts', class: 'charts', 'aria-busy': 'true'});
  ctx.main.append(h('h1', {}, 'Charts'),
    h('p', {}, 'Orders created per time bucket, from the search index, in your time zone.'), form, status, problem, figures);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    location.hash = select.value === '24h' ? '#/charts' : `#/charts${query({range: select.value})}`;
  });

  const range = bucketWindow(chosen);
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  const base = {from: range.from.toISOString(), to: range.to.toISOString(), interval: range.interval, zone};
  Promise.all([
    api(`/v1/analytics/orders${query({...base, groupBy: 'businessLine'})}`, {signal: ctx.signal}),
    api(`/v1/analytics/orders${query({...base, groupBy: 'status'})}`, {signal: ctx.signal}),
  ]).then(([byLine, byStatus]) => {
    const lineData = series(byLine, range.starts, null);
    const statusData = series(byStatus, range.starts, STATUSES);
    const amount = (v) => number(v);
    figures.replaceChildren(
      figure('Orders by business line', stackedBars('Orders created per bucket, by business line', lineData, range.interval),
        legend(lineData.groups, false), dataTable('Orders by business line', lineData, range.interval, 'orders', number)),
      figure('Total amount by business line (minor units)', lines('Total amount per bucket, by business line', lineData, range.interval),
        legend(lineData.groups, true), dataTable('Total amount by business line', lineData, range.interval, 'amount', amount)),
      figure('Orders by status', stackedBars('Orders created per bucket, by status', statusData, range.interval),
        legend(statusData.groups, false), dataTable('Orders by status', statusData, range.interval, 'orders', number)),
      figure('Total amount by status (minor units)', lines('Total amount per bucket, by status', statusData, range.interval),
        legend(statusData.groups, true), dataTable('Total amount by status', statusData, range.interval, 'amount', amount)));
    status.textContent = `${number(byLine.orders)} orders, ${chosen[1].toLowerCase()} (${range.interval === 'hour' ? 'hourly' : 'daily'} buckets, ${zone}).`;
    ctx.loaded();
  }).catch((e) => {
    if (aborted(e)) return;
    showError(problem, e.status === 503 ? new Error('charts need the search index, which is unavailable; retry later') : e);
    ctx.loaded(false);
  }).finally(() => figures.removeAttribute('aria-busy'));
}
