// The console's entry: sign-in, the hash router and the page lifecycle.
//
// One page at a time lives in <main>. A page gets a context with an AbortSignal that aborts when
// the user leaves it (stopping its requests, refresh timers and streams) and sets
// document.body.dataset.page, document.title and main's data-loaded ("true" after its first data
// arrived; "failed" while its first call failed and none has succeeded yet).

import {api, ApiError, KEY_PATTERN, onUnauthorized, session} from './api.js';
import {errorBox, field, h, showError} from './dom.js';
import {detailPage, searchPage} from './orders.js';
import {livePage, resetLive} from './live.js';
import {deadLetterPage, deadLettersPage, instancesPage, pipesPage} from './admin.js';
import {chartsPage} from './charts.js';

const main = document.getElementById('main');
const nav = document.getElementById('main-nav');
const sessionBox = document.getElementById('session');
const who = document.getElementById('who');

const ROUTES = [
  [/^\/orders$/, searchPage],
  [/^\/orders\/(.+)$/, detailPage],
  [/^\/live$/, livePage],
  [/^\/pipes$/, pipesPage],
  [/^\/instances$/, instancesPage],
  [/^\/dead-letters$/, deadLettersPage],
  [/^\/dead-letters\/([^/]+)$/, deadLetterPage],
  [/^\/charts$/, chartsPage],
];

let me = null;
let leave = null;
let signInMessage = '';

/** Starts a page: title, data-page, a fresh <main>, and the context the page works with. */
function begin(name, title) {
  if (leave) leave();
  const controller = new AbortController();
  const cleanups = [];
  leave = () => {
    controller.abort();
    cleanups.forEach((fn) => fn());
    leave = null;
  };
  document.title = `${title} · Hamal console`;
  document.body.dataset.page = name;
  main.dataset.loaded = 'false';
  main.removeAttribute('aria-busy');
  main.replaceChildren();
  return {
    main,
    signal: controller.signal,
    onLeave: (fn) => cleanups.push(fn),
    /** Marks the first data as arrived (or the first call as failed). */
    loaded: (ok = true) => {
      if (controller.signal.aborted) return;
      if (ok) main.dataset.loaded = 'true';
      else if (main.dataset.loaded === 'false') main.dataset.loaded = 'failed';
    },
    /** Retitles the page (e.g. once an order's id is known). */
    title: (text) => {
      document.title = `${text} · Hamal console`;
    },
  };
}

function parseHash() {
  const raw = location.hash.startsWith('#') ? location.hash.slice(1) : '';
  const at = raw.indexOf('?');
  const path = at < 0 ? raw : raw.slice(0, at);
  const params = new URLSearchParams(at < 0 ? '' : raw.slice(at + 1));
  return {path, params};
}

function markNav(path) {
  for (const link of nav.querySelectorAll('a')) {
    const target = link.getAttribute('href').slice(1);
    if (path === target || path.startsWith(`${target}/`)) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
}

function render(moveFocus) {
  if (!me) {
    signIn();
    return;
  }
  const {path, params} = parseHash();
  if (!path.startsWith('/')) {
    location.replace('#/orders');
    return;
  }
  markNav(path);
  for (const [pattern, page] of ROUTES) {
    const match = pattern.exec(path);
    if (!match) continue;
    let args;
    try {
      args = match.slice(1).map(decodeURIComponent);
    } catch (e) {
      break;
    }
    page({begin, me, params, args});
    if (moveFocus) focusHeading();
    return;
  }
  notFound(path);
  if (moveFocus) focusHeading();
}

/** After navigating, focus goes to the page's heading so screen readers announce the new page. */
function focusHeading() {
  const heading = main.querySelector('h1');
  if (heading) {
    heading.setAttribute('tabindex', '-1');
    heading.focus({preventScroll: false});
  }
}

function notFound(path) {
  const ctx = begin('not-found', 'Not found');
  ctx.main.append(
    h('h1', {}, 'No such page'),
    h('p', {}, `The console has no page “${path}”. `, h('a', {href: '#/orders'}, 'Go to the orders.')),
  );
  ctx.loaded();
}

function showSession() {
  nav.hidden = false;
  sessionBox.hidden = false;
  who.textContent = `${me.name} (${me.id})${me.scopes.admin ? ' · admin' : ''}`;
}

function signOut(message) {
  if (leave) leave();
  session.forget();
  me = null;
  resetLive();
  nav.hidden = true;
  sessionBox.hidden = true;
  who.textContent = '';
  signInMessage = message || '';
  signIn();
}

function signIn() {
  const ctx = begin('sign-in', 'Sign in');
  const key = h('input', {
    id: 'api-key', name: 'api-key', type: 'password', autocomplete: 'off', spellcheck: 'false',
    autocapitalize: 'off', required: true,
  });
  const button = h('button', {id: 'sign-in', type: 'submit'}, 'Sign in');
  const problem = errorBox('sign-in-error');
  const form = h('form', {id: 'sign-in-form', class: 'card narrow', novalidate: true},
    field('API key', key, 'hamal_<key id>_<secret>, as printed when the key was made. It is kept only in this tab.'),
    problem,
    h('div', {class: 'actions'}, button));
  ctx.main.append(h('h1', {}, 'Sign in'), form);
  if (signInMessage) showError(problem, new Error(signInMessage));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const token = key.value.trim();
    if (!KEY_PATTERN.test(token)) {
      showError(problem, new Error('an API key looks like hamal_<16 hex digits>_<secret>'));
      key.setAttribute('aria-invalid', 'true');
      key.focus();
      return;
    }
    button.disabled = true;
    form.setAttribute('aria-busy', 'true');
    try {
      const answer = await api('/v1/me', {key: token, signal: ctx.signal});
      session.keep(token);
      me = answer;
      signInMessage = '';
      showSession();
      if (location.hash.startsWith('#/')) render(true);
      else location.replace('#/orders'); // renders on hashchange
    } catch (e) {
      if (e.name === 'AbortError') return;
      const message = e instanceof ApiError && e.status === 401
        ? 'the gateway did not accept this key (unknown, revoked or mistyped)'
        : e.message;
      showError(problem, new Error(message));
      key.setAttribute('aria-invalid', 'true');
      key.focus();
    } finally {
      button.disabled = false;
      form.removeAttribute('aria-busy');
    }
  });
  // no data-loaded here: the sign-in page has no data, and a test waiting for the next page's data
  // must not take this page for it
  key.focus();
}

async function boot() {
  document.getElementById('sign-out').addEventListener('click', () => signOut('Signed out.'));
  document.querySelector('.skip-link').addEventListener('click', (event) => {
    event.preventDefault();
    main.focus();
  });
  onUnauthorized((detail) => signOut(`your key is no longer accepted (${detail}); sign in again`));
  window.addEventListener('hashchange', () => render(true));
  const key = session.key();
  if (key) {
    const ctx = begin('checking', 'Signing in');
    ctx.main.append(h('p', {role: 'status'}, 'Checking your key…'));
    try {
      me = await api('/v1/me', {key});
      showSession();
    } catch (e) {
      if (!(e instanceof ApiError) || e.status !== 401) signInMessage = e.message;
      else signInMessage = 'your key is no longer accepted; sign in again';
      session.forget();
    }
  }
  if (me && !location.hash.startsWith('#/')) location.replace('#/orders'); // renders on hashchange
  else render(false);
}

boot();
