/* Heliograph dashboard. Vanilla ES2020, no dependencies.
 * Security rules: everything the server sends is rendered through text nodes or plain
 * (non-URL, non-event) attributes; hrefs are only ever built by this file as "#/..." fragments. */
'use strict';
(() => {
// ---------------------------------------------------------------- state
const state = {
  session: null,        // {org, scope, key_prefix, csrf_token}
  flash: null,          // status message to show after the next route change
  names: new Map(),     // webhook id -> destination (for the live list)
  requestFilters: {},   // last filters of the requests page
};
let view = null;        // the current page: {alive, cleanups[]}
let closeDialog = null; // closes the open confirmation, if any

const $ = (sel) => document.querySelector(sel);

// ---------------------------------------------------------------- DOM builder
/** el(tag, attrs, ...children): text children become text nodes; no HTML parsing anywhere. */
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  setAttrs(node, attrs);
  append(node, children);
  return node;
}

function setAttrs(node, attrs) {
  if (!attrs) return;
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'on') {
      for (const [ev, fn] of Object.entries(v)) node.addEventListener(ev, fn);
      continue;
    }
    if (v == null || v === false) continue;
    const name = k.toLowerCase();
    if (name.startsWith('on') || name === 'style' || name === 'src' || name === 'srcdoc' ||
        name === 'action' || name === 'formaction' || name === 'xlink:href') {
      throw new Error('el: attribute not allowed: ' + k);
    }
    if (name === 'href') {
      const s = String(v);
      if (!s.startsWith('#/')) throw new Error('el: only #/ links are allowed');
      node.setAttribute('href', s);
    } else if (k === 'class') {
      node.setAttribute('class', Array.isArray(v) ? v.filter(Boolean).join(' ') : String(v));
    } else if (k === 'value' || k === 'checked' || k === 'selected') {
      node[k] = v;
    } else {
      node.setAttribute(k, v === true ? '' : String(v));
    }
  }
}

function append(node, children) {
  for (const c of children.flat(Infinity)) {
    if (c == null || c === false) continue;
    node.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

const SVGNS = 'http://www.w3.org/2000/svg';
function svg(tag, attrs, ...children) {
  const node = document.createElementNS(SVGNS, tag);
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v == null) continue;
      if (/^on/i.test(k) || k === 'style' || /href$/i.test(k)) throw new Error('svg: attribute not allowed');
      node.setAttribute(k, String(v));
    }
  }
  return append(node, children);
}

/** A link to one of the dashboard's own pages; each part is percent-encoded. */
function link(parts, text, attrs) {
  const href = '#/' + parts.map((p) => encodeURIComponent(String(p))).join('/');
  return el('a', Object.assign({ href }, attrs || {}), text);
}

function button(text, onClick, attrs) {
  return el('button', Object.assign({ type: 'button', on: { click: onClick } }, attrs || {}), text);
}

/** <thead> with one row of column headers (a node or a string each). */
function thead(cols) {
  return el('thead', null, el('tr', null, cols.map((c) => el('th', { scope: 'col' }, c))));
}

/** <dl class="facts"> from [term, description] pairs. */
function facts(pairs, attrs) {
  return el('dl', Object.assign({ class: 'facts' }, attrs || {}),
    pairs.filter(Boolean).map(([k, v]) => [el('dt', null, k), el('dd', null, v)]));
}

function tableWrap(label, table) {
  return el('div', { class: 'table-wrap', role: 'region', 'aria-label': label, tabindex: '0' }, table);
}

function errorBox(message, id) {
  return el('p', { class: 'error', role: 'alert', id }, message);
}

// ---------------------------------------------------------------- formatting
const DASH = '—';
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function abbr(id) {
  if (id == null) return DASH;
  const s = String(id);
  if (UUID_RE.test(s)) return s.slice(0, 8) + '…';
  return s.length > 14 ? s.slice(0, 12) + '…' : s;
}

function fmtDate(iso) {
  if (!iso) return DASH;
  const d = new Date(iso);
  return isNaN(d.getTime()) ? String(iso) : d.toLocaleString();
}

const rtf = (typeof Intl !== 'undefined' && Intl.RelativeTimeFormat)
  ? new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' }) : null;
function relTime(iso) {
  const t = Date.parse(iso);
  if (isNaN(t)) return DASH;
  const s = (t - Date.now()) / 1000;
  const units = [['year', 31536000], ['month', 2592000], ['day', 86400], ['hour', 3600], ['minute', 60], ['second', 1]];
  for (const [u, n] of units) {
    if (Math.abs(s) >= n || u === 'second') {
      const v = Math.round(s / n);
      return rtf ? rtf.format(v, u) : fmtDate(iso);
    }
  }
  return fmtDate(iso);
}

/** <time> with the absolute date as text (relative=false) or relative text and absolute title. */
function timeEl(iso, relative) {
  if (!iso) return document.createTextNode(DASH);
  const abs = fmtDate(iso);
  return el('time', { datetime: String(iso), title: relative ? abs : null }, relative ? relTime(iso) : abs);
}

const str = (v) => (v == null ? DASH : String(v));

function fmtMs(v) {
  return (v == null || !isFinite(v)) ? DASH : Math.round(Number(v)).toLocaleString() + ' ms';
}

function fmtRate(v) {
  return (v == null || !isFinite(v)) ? DASH : (Number(v) * 100).toFixed(1) + ' %';
}

function fmtNum(v) {
  return (v == null || !isFinite(v)) ? DASH : Number(v).toLocaleString();
}

function fmtCost(v) {
  if (v == null || !isFinite(v)) return DASH;
  const n = Number(v);
  if (n === 0) return '$0';
  if (Math.abs(n) >= 1) return '$' + n.toFixed(2);
  return '$' + n.toFixed(8).replace(/0+$/, '').replace(/\.$/, '');
}

function prettyBody(v) {
  if (v === undefined) return '';
  if (typeof v === 'string') {
    try { return JSON.stringify(JSON.parse(v), null, 2); } catch (_) { return v; }
  }
  try { return JSON.stringify(v, null, 2); } catch (_) { return String(v); }
}

function statusBadge(status) {
  const s = String(status == null ? 'unknown' : status);
  return el('span', { class: ['badge', 'badge-' + s.replace(/[^a-z_]/gi, '')] }, s);
}

// ---------------------------------------------------------------- status region
let statusTimer = null;
function showStatus(message, kind) {
  const box = $('#status');
  if (!box) return;
  clearTimeout(statusTimer);
  box.textContent = message || '';
  box.className = 'status' + (message ? ' status-visible' : '') + (kind === 'error' ? ' status-error' : '');
  if (message && kind !== 'error') statusTimer = setTimeout(() => showStatus(''), 8000);
}

// ---------------------------------------------------------------- API
class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/** One call: envelope, CSRF, JSON body and 401 handling. Resolves to `data`. */
async function api(method, path, body, opts) {
  const headers = { Accept: 'application/json' };
  if (method !== 'GET' && state.session && state.session.csrf_token) {
    headers['X-CSRF-Token'] = state.session.csrf_token;
  }
  const init = { method, credentials: 'same-origin', headers, cache: 'no-store' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch (_) {
    throw new ApiError(0, 'Could not reach the server. Check your connection and try again.');
  }
  let json = null;
  try { json = await res.json(); } catch (_) { json = null; }
  const message = json && typeof json.error === 'string' && json.error ? json.error : null;
  if (res.status === 401 && !(opts && opts.allow401)) {
    signedOut('Your session has ended. Please sign in again.');
    const e = new ApiError(401, message || 'Unauthorized');
    e.signedOut = true;
    throw e;
  }
  if (!res.ok || message) {
    throw new ApiError(res.status, message || ('Request failed (HTTP ' + res.status + ')'));
  }
  return json ? json.data : null;
}

const enc = encodeURIComponent;

// ---------------------------------------------------------------- clipboard
async function copyText(text) {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      showStatus('Copied to the clipboard.');
      return;
    }
  } catch (_) { /* fall back below */ }
  const prev = document.activeElement;
  const ta = el('textarea', { class: 'offscreen', readonly: true, 'aria-hidden': 'true', tabindex: '-1' });
  ta.value = text;
  document.body.appendChild(ta);
  ta.select();
  let ok = false;
  try { ok = document.execCommand('copy'); } catch (_) { ok = false; }
  ta.remove();
  if (prev && prev.focus) prev.focus();
  showStatus(ok ? 'Copied to the clipboard.' : 'Could not copy; select the text and copy it by hand.', ok ? null : 'error');
}

// ---------------------------------------------------------------- confirmation dialog
/** Resolves true when confirmed. Focuses its first button; Escape cancels. */
function confirmDialog(title, message, confirmText, danger) {
  if (closeDialog) closeDialog(false);
  return new Promise((resolve) => {
    const prev = document.activeElement;
    const ok = el('button', { type: 'button', id: 'confirm-ok', class: danger ? 'danger' : 'primary' }, confirmText);
    const cancel = el('button', { type: 'button', id: 'confirm-cancel' }, 'Cancel');
    const dlg = el('dialog', {
      id: 'confirm-dialog', class: 'dialog', 'aria-labelledby': 'confirm-title',
      'aria-describedby': message ? 'confirm-message' : null,
    },
    el('h2', { id: 'confirm-title' }, title),
    message ? el('p', { id: 'confirm-message' }, message) : null,
    el('div', { class: 'actions' }, ok, cancel));
    let done = false;
    const finish = (value) => {
      if (done) return;
      done = true;
      closeDialog = null;
      try { if (dlg.open && dlg.close) dlg.close(); } catch (_) { /* ignore */ }
      dlg.remove();
      if (prev && prev.isConnected && prev.focus) prev.focus();
      resolve(value);
    };
    ok.addEventListener('click', () => finish(true));
    cancel.addEventListener('click', () => finish(false));
    dlg.addEventListener('cancel', (e) => { e.preventDefault(); finish(false); });
    dlg.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') { e.preventDefault(); finish(false); }
    });
    document.body.appendChild(dlg);
    if (typeof dlg.showModal === 'function') dlg.showModal();
    else dlg.setAttribute('open', '');
    closeDialog = finish;
    ok.focus();
  });
}

// ---------------------------------------------------------------- live stream
const live = { es: null, status: 'Disconnected', items: [], listeners: new Set(), timer: null, failures: 0 };

function setLiveStatus(text) {
  live.status = text;
  const node = $('#live-status');
  if (node) {
    node.textContent = text;
    node.className = 'live-status live-' + (text === 'Connected' ? 'ok' : 'wait');
  }
}

function startLive() {
  stopLive();
  if (typeof EventSource === 'undefined') { setLiveStatus('Live updates are not supported by this browser'); return; }
  setLiveStatus('Connecting…');
  const es = new EventSource('/v1/live');
  live.es = es;
  es.addEventListener('open', () => { if (live.es === es) { live.failures = 0; setLiveStatus('Connected'); } });
  es.addEventListener('error', () => {
    if (live.es !== es) return;
    setLiveStatus('Reconnecting…');
    if (es.readyState === 2) { // CLOSED: the browser gave up (e.g. a 401); check the session, then retry
      es.close();
      live.es = null;
      live.failures++;
      scheduleLiveRetry(Math.min(3000 * Math.pow(2, live.failures - 1), 30000));
    }
  });
  es.addEventListener('attempt', (ev) => {
    if (live.es !== es) return;
    let d;
    try { d = JSON.parse(ev.data); } catch (_) { return; }
    if (!d || typeof d !== 'object') return;
    live.items.unshift(d);
    if (live.items.length > 200) live.items.length = 200;
    for (const fn of live.listeners) {
      try { fn(d); } catch (err) { console.error(err); }
    }
  });
}

function scheduleLiveRetry(delay) {
  clearTimeout(live.timer);
  live.timer = setTimeout(async () => {
    live.timer = null;
    if (!state.session) return;
    try {
      const s = await api('GET', '/ui/session');
      if (s) state.session = s;
      if (state.session) startLive();
    } catch (e) {
      if (!e.signedOut && state.session) scheduleLiveRetry(Math.min(delay * 2, 30000));
    }
  }, delay);
}

function stopLive() {
  clearTimeout(live.timer);
  live.timer = null;
  if (live.es) { live.es.close(); live.es = null; }
  setLiveStatus('Disconnected');
}

function onLive(v, fn) {
  live.listeners.add(fn);
  v.cleanups.push(() => live.listeners.delete(fn));
}

// ---------------------------------------------------------------- session & shell
function showShell() {
  const s = state.session;
  $('#app-header').hidden = false;
  $('#session-org').textContent = s.org || '';
  $('#session-key-prefix').textContent = s.key_prefix ? s.key_prefix + '…' : '';
  $('#session-scope').textContent = s.scope ? '(' + s.scope + ')' : '';
  $('#nav-keys-item').hidden = s.scope !== 'admin';
}

function signedOut(notice) {
  const wasSignedIn = !!state.session;
  state.session = null;
  stopLive();
  live.failures = 0;
  live.items = [];
  state.names.clear();
  if (closeDialog) closeDialog(false);
  renderSignIn(wasSignedIn ? notice : null);
}

function renderSignIn(notice) {
  const v = newView('Sign in');
  $('#app-header').hidden = true;
  const key = el('input', {
    id: 'signin-key', name: 'key', type: 'password', autocomplete: 'off', spellcheck: 'false',
    autocapitalize: 'off', required: true, 'aria-describedby': 'signin-hint',
  });
  const err = el('p', { id: 'signin-error', class: 'error', role: 'alert', hidden: true });
  const submit = el('button', { type: 'submit', id: 'signin-submit', class: 'primary' }, 'Sign in');
  const form = el('form', { id: 'signin-form', class: 'card signin', novalidate: true },
    el('h1', null, 'Sign in to Heliograph'),
    notice ? el('p', { class: 'notice', id: 'signin-notice' }, notice) : null,
    el('div', { class: 'field' },
      el('label', { for: 'signin-key' }, 'API key'),
      key,
      el('p', { class: 'hint', id: 'signin-hint' }, 'Your key is sent once to start a session and is not stored by this page.')),
    err,
    el('div', { class: 'actions' }, submit));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const value = key.value.trim();
    err.hidden = true;
    err.textContent = '';
    key.removeAttribute('aria-invalid');
    if (!value) {
      showFieldErr(key, err, 'Enter your API key.');
      key.focus();
      return;
    }
    submit.disabled = true;
    try {
      const s = await api('POST', '/ui/session', { key: value }, { allow401: true });
      key.value = '';
      if (!v.alive) return;
      signedIn(s);
    } catch (ex) {
      if (!v.alive) return;
      showFieldErr(key, err, ex.message || 'Sign-in failed');
      key.focus();
    } finally {
      submit.disabled = false;
    }
  });
  $('#main').appendChild(form);
  key.focus();
}

function showFieldErr(field, errNode, message) {
  errNode.textContent = message;
  errNode.hidden = false;
  field.setAttribute('aria-invalid', 'true');
  const ids = (field.getAttribute('aria-describedby') || '').split(/\s+/).filter(Boolean);
  if (!ids.includes(errNode.id)) ids.push(errNode.id);
  field.setAttribute('aria-describedby', ids.join(' '));
}

function clearFieldErr(field, errNode) {
  errNode.textContent = '';
  errNode.hidden = true;
  field.removeAttribute('aria-invalid');
  const ids = (field.getAttribute('aria-describedby') || '').split(/\s+/).filter((x) => x && x !== errNode.id);
  if (ids.length) field.setAttribute('aria-describedby', ids.join(' '));
  else field.removeAttribute('aria-describedby');
}

function signedIn(session) {
  state.session = session;
  showShell();
  startLive();
  if (!location.hash.startsWith('#/')) location.replace('#/webhooks');
  route();
}

async function signOut() {
  const btn = $('#signout-button');
  btn.disabled = true;
  try {
    await api('DELETE', '/ui/session');
    signedOut(null);
    showStatus('Signed out.');
  } catch (e) {
    if (!e.signedOut) showStatus(e.message, 'error');
  } finally {
    btn.disabled = false;
  }
}

// ---------------------------------------------------------------- router
function newView(title) {
  if (view) {
    view.alive = false;
    for (const fn of view.cleanups) { try { fn(); } catch (_) { /* ignore */ } }
  }
  if (closeDialog) closeDialog(false);
  view = { alive: true, cleanups: [] };
  $('#main').replaceChildren();
  document.title = title + ' · Heliograph';
  showStatus(state.flash || '');
  state.flash = null;
  return view;
}

function parseHash() {
  const h = location.hash || '';
  if (!h.startsWith('#/')) return null;
  const path = h.slice(2).split('?')[0];
  try {
    return path.split('/').filter(Boolean).map(decodeURIComponent);
  } catch (_) {
    return ['?'];
  }
}

function markNav(section) {
  for (const id of ['webhooks', 'requests', 'live', 'keys']) {
    const a = $('#nav-' + id);
    if (!a) continue;
    if (id === section) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

function route() {
  if (!state.session) return;
  const parts = parseHash();
  if (!parts || parts.length === 0) { location.replace('#/webhooks'); return; }
  const [a, b, c] = parts;
  markNav(a);
  if (a === 'webhooks' && parts.length === 1) return pageWebhooks();
  if (a === 'webhooks' && b === 'new' && parts.length === 2) return pageWebhookForm(null);
  if (a === 'webhooks' && parts.length === 2) return pageWebhook(b);
  if (a === 'webhooks' && c === 'edit' && parts.length === 3) return pageWebhookForm(b);
  if (a === 'requests' && parts.length === 1) return pageRequests();
  if (a === 'requests' && parts.length === 2) return pageRequest(b);
  if (a === 'live' && parts.length === 1) return pageLive();
  if (a === 'keys' && parts.length === 1) return pageKeys();
  return pageNotFound();
}

function heading(text, attrs) {
  return el('h1', Object.assign({ tabindex: '-1', id: 'page-title' }, attrs || {}), text);
}

function focusHeading() {
  // Move focus to the new page's heading so keyboard and screen reader users land on it.
  const h = $('#page-title');
  const active = document.activeElement;
  if (h && (!active || active === document.body || !active.isConnected || active.closest('#app-header'))) {
    h.focus({ preventScroll: false });
  }
}

function pageNotFound() {
  newView('Not found');
  $('#main').append(heading('Page not found'), el('p', null, 'There is nothing here. ', link(['webhooks'], 'Go to the webhooks')));
  focusHeading();
}

// ---------------------------------------------------------------- webhooks list
async function pageWebhooks() {
  const v = newView('Webhooks');
  const main = $('#main');
  const body = el('div', { class: 'page-body' }, el('p', { class: 'loading' }, 'Loading webhooks…'));
  main.append(
    el('div', { class: 'page-head' },
      heading('Webhooks'),
      el('a', { href: '#/webhooks/new', class: 'button primary', id: 'new-webhook' }, 'New webhook')),
    body);
  focusHeading();
  let hooks;
  let health = new Map();
  try {
    const [list, h] = await Promise.all([
      api('GET', '/v1/webhooks'),
      api('GET', '/v1/webhooks/health').catch((e) => { if (e.signedOut) throw e; return null; }),
    ]);
    hooks = Array.isArray(list) ? list : [];
    if (h && Array.isArray(h.items)) for (const it of h.items) health.set(it.webhook_id, it);
  } catch (e) {
    if (!v.alive) return;
    body.replaceChildren(errorBox(e.message, 'webhooks-error'));
    return;
  }
  if (!v.alive) return;
  for (const w of hooks) state.names.set(w.id, w.destination);
  if (hooks.length === 0) {
    body.replaceChildren(el('p', { class: 'empty', id: 'webhooks-empty' },
      'No webhooks yet. Create one to have Heliograph send your logged requests to a URL of yours.'));
    return;
  }
  const lastCells = new Map();
  const rows = hooks.map((w) => {
    const hh = health.get(w.id) || {};
    const destId = 'wh-dest-' + w.id;
    const last = el('td', { class: 'nowrap' }, timeEl(hh.last_attempt_at, true));
    lastCells.set(w.id, last);
    return el('tr', { 'data-webhook-id': w.id },
      el('td', { class: 'wrap-anywhere dest', id: destId }, w.destination),
      el('td', null, webhookStatusText(w)),
      el('td', { class: 'num' }, hh.attempts ? fmtRate(hh.success_rate) : DASH),
      el('td', { class: 'num' }, hh.attempts ? fmtMs(hh.p99_latency_ms) : DASH),
      last,
      el('td', null, link(['webhooks', w.id], 'Open', { 'aria-describedby': destId, title: w.id })));
  });
  const table = el('table', { id: 'webhooks-table' },
    el('caption', { class: 'sr-only' }, 'Webhooks, with figures of the last hour'),
    thead(['Destination', 'Status', 'Success rate (last hour)', 'p99 latency (last hour)', 'Last delivery',
      el('span', { class: 'sr-only' }, 'Open')]),
    el('tbody', null, rows));
  body.replaceChildren(tableWrap('Webhooks', table));
  onLive(v, (d) => {
    const cell = lastCells.get(d.webhook_id);
    if (cell && d.attempted_at) cell.replaceChildren(timeEl(d.attempted_at, true));
  });
}

function webhookStatusText(w) {
  if (w.enabled) return 'Enabled';
  return w.disabled_reason ? 'Disabled — ' + w.disabled_reason : 'Disabled';
}

// ---------------------------------------------------------------- webhook form
async function pageWebhookForm(id) {
  const editing = id != null;
  const v = newView(editing ? 'Edit webhook' : 'New webhook');
  const main = $('#main');
  main.append(heading(editing ? 'Edit webhook' : 'New webhook'));
  focusHeading();
  let wh = null;
  if (editing) {
    const loading = el('p', { class: 'loading' }, 'Loading…');
    main.append(loading);
    try {
      wh = await api('GET', '/v1/webhooks/' + enc(id));
    } catch (e) {
      if (!v.alive) return;
      loading.replaceWith(errorBox(e.message));
      return;
    }
    if (!v.alive) return;
    loading.remove();
  }
  main.append(buildWebhookForm(v, wh));
  $('#wh-destination').focus();
}

function buildWebhookForm(v, wh) {
  const editing = !!wh;
  const cfg = (wh && wh.config) || {};
  const errEl = (id) => el('p', { id, class: 'field-error', role: 'alert', hidden: true });

  const dest = el('input', { id: 'wh-destination', name: 'destination', type: 'url', inputmode: 'url',
    autocomplete: 'off', spellcheck: 'false', required: true, placeholder: 'https://hooks.example.com/heliograph',
    'aria-describedby': 'wh-destination-hint', value: wh ? wh.destination : '' });
  const destErr = errEl('wh-destination-error');
  const rate = el('input', { id: 'wh-sample-rate', name: 'sampleRate', type: 'number', min: '0', max: '100',
    step: 'any', inputmode: 'decimal', 'aria-describedby': 'wh-sample-rate-hint',
    value: cfg.sampleRate != null ? String(cfg.sampleRate) : '100' });
  const rateErr = errEl('wh-sample-rate-error');
  const include = el('input', { id: 'wh-include-data', name: 'includeData', type: 'checkbox',
    checked: wh ? !!(wh.includeData != null ? wh.includeData : cfg.includeData) : true,
    'aria-describedby': 'wh-include-data-hint' });
  const includeErr = errEl('wh-include-data-error');
  const pfList = el('div', { id: 'wh-property-filters', class: 'pf-list' });
  const pfErr = errEl('wh-property-filters-error');
  const pfFieldset = el('fieldset', { class: 'pf', id: 'wh-property-filters-group', 'aria-describedby': 'wh-property-filters-hint' },
    el('legend', null, 'Property filters'),
    el('p', { class: 'hint', id: 'wh-property-filters-hint' },
      'Only requests whose property (or model, user_id, provider) equals the value are sent. All must match.'),
    pfList,
    button('Add property filter', () => { const r = addPfRow('', ''); r.key.focus(); }, { id: 'wh-add-property-filter' }),
    pfErr);
  const filter = el('textarea', { id: 'wh-filter', name: 'filter', rows: '7', class: 'mono', spellcheck: 'false',
    'aria-describedby': 'wh-filter-hint',
    placeholder: '{"$or": [{"status": {"$gte": 400}}, {"outcome": {"$ne": "completed"}}]}' });
  filter.value = cfg.filter != null ? JSON.stringify(cfg.filter, null, 2) : '';
  const filterErr = errEl('wh-filter-error');
  const testResult = el('p', { id: 'wh-filter-test-result', class: 'result', role: 'status', 'aria-live': 'polite' });
  const testBtn = button('Test this filter against recent requests', testFilter, { id: 'wh-filter-test' });
  const formErr = errEl('wh-form-error');
  const submit = el('button', { type: 'submit', class: 'primary', id: 'wh-submit' }, editing ? 'Save changes' : 'Create webhook');

  let pfCounter = 0;
  const pfRows = [];
  function addPfRow(k, val) {
    const n = ++pfCounter;
    const key = el('input', { id: 'pf-key-' + n, type: 'text', autocomplete: 'off', spellcheck: 'false', value: k, class: 'pf-key' });
    const value = el('input', { id: 'pf-value-' + n, type: 'text', autocomplete: 'off', spellcheck: 'false', value: val, class: 'pf-value' });
    const entry = { key, value, row: null };
    const remove = button('Remove', () => {
      const i = pfRows.indexOf(entry);
      if (i >= 0) pfRows.splice(i, 1);
      entry.row.remove();
      const next = pfRows[i] || pfRows[i - 1];
      (next ? next.key : $('#wh-add-property-filter')).focus();
    }, { class: 'small', 'aria-label': null, title: 'Remove this property filter' });
    entry.row = el('div', { class: 'pf-row' },
      el('div', { class: 'field' }, el('label', { for: key.id }, 'Property key'), key),
      el('div', { class: 'field' }, el('label', { for: value.id }, 'Property value'), value),
      el('div', { class: 'pf-remove' }, remove));
    pfRows.push(entry);
    pfList.appendChild(entry.row);
    return entry;
  }
  for (const f of (Array.isArray(cfg.propertyFilters) ? cfg.propertyFilters : [])) {
    addPfRow(f && f.key != null ? String(f.key) : '', f && f.value != null ? String(f.value) : '');
  }

  const fields = {
    destination: [dest, destErr], rate: [rate, rateErr], include: [include, includeErr],
    pf: [pfFieldset, pfErr], filter: [filter, filterErr],
  };
  function clearErrors() {
    for (const [f, e] of Object.values(fields)) clearFieldErr(f, e);
    for (const r of pfRows) { r.key.removeAttribute('aria-invalid'); r.value.removeAttribute('aria-invalid'); }
    formErr.hidden = true;
    formErr.textContent = '';
  }
  function fieldFor(message) {
    const m = String(message);
    if (m.startsWith('Destination') || m.startsWith('Invalid destination')) return 'destination';
    if (m.startsWith('Sample rate')) return 'rate';
    if (m.startsWith('Property filter')) return 'pf';
    if (m.startsWith('includeData')) return 'include';
    if (m.startsWith('Invalid filter')) return 'filter';
    return null;
  }
  function showError(message) {
    const which = fieldFor(message);
    if (!which) {
      formErr.textContent = message;
      formErr.hidden = false;
      formErr.setAttribute('tabindex', '-1');
      formErr.focus();
      return;
    }
    const [f, e] = fields[which];
    showFieldErr(f, e, message);
    if (which === 'pf') {
      for (const r of pfRows) { r.key.setAttribute('aria-invalid', 'true'); r.value.setAttribute('aria-invalid', 'true'); }
      (pfRows[0] ? pfRows[0].key : $('#wh-add-property-filter')).focus();
    } else {
      f.focus();
    }
  }
  /** The filter textarea as a value: undefined when empty, or throws a SyntaxError-like marker. */
  function readFilter() {
    const text = filter.value.trim();
    if (!text) return { empty: true };
    try { return { value: JSON.parse(text) }; } catch (_) { return { invalid: true }; }
  }

  async function testFilter() {
    clearFieldErr(filter, filterErr);
    testResult.textContent = '';
    testResult.classList.remove('error');
    const f = readFilter();
    if (f.invalid) { showFieldErr(filter, filterErr, 'Filter expression is not valid JSON'); filter.focus(); return; }
    testBtn.disabled = true;
    testResult.textContent = 'Testing…';
    try {
      const r = await api('POST', '/v1/filters/test', { filter: f.empty ? {} : f.value });
      if (!v.alive) return;
      const matched = Array.isArray(r && r.matched) ? r.matched.length : 0;
      const tested = r && r.tested != null ? r.tested : 0;
      testResult.textContent = 'matched ' + matched + ' of ' + tested + ' recent requests';
    } catch (e) {
      if (!v.alive || e.signedOut) return;
      testResult.textContent = e.message;
      testResult.classList.add('error');
      if (String(e.message).startsWith('Invalid filter')) showFieldErr(filter, filterErr, e.message);
    } finally {
      testBtn.disabled = false;
    }
  }

  const form = el('form', { id: 'webhook-form', class: 'card form', novalidate: true },
    el('div', { class: 'field' },
      el('label', { for: 'wh-destination' }, 'Destination URL'),
      dest,
      el('p', { class: 'hint', id: 'wh-destination-hint' }, 'An https URL that will receive a signed POST per matching request.'),
      destErr),
    el('div', { class: 'field' },
      el('label', { for: 'wh-sample-rate' }, 'Sample rate (%)'),
      rate,
      el('p', { class: 'hint', id: 'wh-sample-rate-hint' }, 'From 0 to 100; fractions allowed.'),
      rateErr),
    el('div', { class: 'field checkbox' },
      include,
      el('label', { for: 'wh-include-data' }, 'Include request and response data'),
      el('p', { class: 'hint', id: 'wh-include-data-hint' }, 'Send the request and response bodies in the payload.'),
      includeErr),
    pfFieldset,
    el('div', { class: 'field' },
      el('label', { for: 'wh-filter' }, 'Filter expression (JSON)'),
      filter,
      el('p', { class: 'hint', id: 'wh-filter-hint' },
        'Optional. Leave empty to send every request that passes the sample and property filters.'),
      filterErr,
      el('div', { class: 'inline-actions' }, testBtn),
      testResult),
    formErr,
    el('div', { class: 'actions' },
      submit,
      editing ? link(['webhooks', wh.id], 'Cancel', { class: 'button' }) : link(['webhooks'], 'Cancel', { class: 'button' })));

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors();
    const f = readFilter();
    if (f.invalid) { showFieldErr(filter, filterErr, 'Filter expression is not valid JSON'); filter.focus(); return; }
    const config = {};
    const rateText = rate.value.trim();
    if (rateText !== '') {
      const n = Number(rateText);
      if (!isFinite(n)) { showError('Sample rate must be between 0 and 100'); return; }
      config.sampleRate = n;
    } else if (rate.validity && rate.validity.badInput) {
      showError('Sample rate must be between 0 and 100');
      return;
    }
    config.propertyFilters = pfRows
      .map((r) => ({ key: r.key.value, value: r.value.value }))
      .filter((p) => p.key !== '' || p.value !== '');
    if (f.empty) { if (editing) config.filter = null; } else config.filter = f.value;
    const body = { destination: dest.value.trim(), config, includeData: include.checked };
    submit.disabled = true;
    try {
      const saved = editing
        ? await api('PATCH', '/v1/webhooks/' + enc(wh.id), body)
        : await api('POST', '/v1/webhooks', body);
      if (!v.alive) return;
      state.flash = editing ? 'Changes saved.' : 'Webhook created.';
      location.hash = '#/webhooks/' + enc(saved && saved.id ? saved.id : wh.id);
    } catch (ex) {
      if (!v.alive || ex.signedOut) return;
      showError(ex.message);
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

// ---------------------------------------------------------------- one webhook
async function pageWebhook(id) {
  const v = newView('Webhook');
  const main = $('#main');
  const loading = el('p', { class: 'loading' }, 'Loading webhook…');
  main.append(heading('Webhook'), loading);
  focusHeading();
  let wh;
  try {
    wh = await api('GET', '/v1/webhooks/' + enc(id));
  } catch (e) {
    if (!v.alive) return;
    loading.replaceWith(errorBox(e.message, 'webhook-error'));
    return;
  }
  if (!v.alive) return;
  state.names.set(wh.id, wh.destination);
  document.title = 'Webhook ' + abbr(wh.id) + ' · Heliograph';
  const h1 = $('#page-title');
  h1.replaceChildren(el('span', { class: 'sr-only' }, 'Webhook to '), el('span', { class: 'wrap-anywhere' }, wh.destination));
  loading.remove();

  // Summary and actions
  const statusNode = el('span', { id: 'webhook-status' }, webhookStatusText(wh));
  const toggleBtn = button(wh.enabled ? 'Disable' : 'Enable', toggleEnabled, { id: 'webhook-toggle-enabled' });
  const testResult = el('div', { id: 'test-result', class: 'result', role: 'status', 'aria-live': 'polite' });
  const summary = el('section', { class: 'card', 'aria-labelledby': 'summary-title' },
    el('h2', { id: 'summary-title', class: 'sr-only' }, 'Summary'),
    facts([['Status', statusNode], ['Id', el('code', null, wh.id)], ['Created', timeEl(wh.created_at)],
      ['Version', wh.version || DASH]]),
    el('div', { class: 'actions wrap' },
      button('Edit', () => { location.hash = '#/webhooks/' + enc(wh.id) + '/edit'; }, { id: 'webhook-edit' }),
      toggleBtn,
      button('Send test', sendTest, { id: 'webhook-test' }),
      button('Rotate secret', rotate, { id: 'webhook-rotate' }),
      button('Delete', del, { id: 'webhook-delete', class: 'danger' })),
    testResult);

  async function toggleEnabled() {
    toggleBtn.disabled = true;
    try {
      const updated = await api('PATCH', '/v1/webhooks/' + enc(wh.id), { enabled: !wh.enabled });
      if (!v.alive) return;
      wh = updated;
      statusNode.textContent = webhookStatusText(wh);
      toggleBtn.textContent = wh.enabled ? 'Disable' : 'Enable';
      showStatus(wh.enabled ? 'Webhook enabled.' : 'Webhook disabled.');
    } catch (e) {
      if (v.alive && !e.signedOut) showStatus(e.message, 'error');
    } finally {
      toggleBtn.disabled = false;
    }
  }

  async function sendTest() {
    const btn = $('#webhook-test');
    btn.disabled = true;
    testResult.replaceChildren(el('p', null, 'Sending a test payload…'));
    try {
      const r = await api('POST', '/v1/webhooks/' + enc(wh.id) + '/test');
      if (!v.alive) return;
      testResult.replaceChildren(
        el('h3', null, 'Test result'),
        facts([
          ['Result', el('span', { class: r.success ? 'ok' : 'bad' }, r.success ? 'Success' : 'Failed')],
          ['Status code', r.status_code == null ? 'No answer' : String(r.status_code)],
          ['Latency', fmtMs(r.latency_ms)],
          ['Message', str(r.message)]], { id: 'test-result-facts' }));
    } catch (e) {
      if (!v.alive || e.signedOut) return;
      testResult.replaceChildren(errorBox(e.message));
    } finally {
      btn.disabled = false;
    }
  }

  async function rotate() {
    const ok = await confirmDialog('Rotate the signing secret?',
      'A new secret is generated. The current one keeps working for 24 hours so receivers can switch.', 'Rotate secret');
    if (!ok || !v.alive) return;
    try {
      const updated = await api('POST', '/v1/webhooks/' + enc(wh.id) + '/rotate-secret');
      if (!v.alive) return;
      wh = updated;
      secrets.update(wh);
      showStatus('Secret rotated. The previous secret stays valid for 24 hours.');
    } catch (e) {
      if (v.alive && !e.signedOut) showStatus(e.message, 'error');
    }
  }

  async function del() {
    const ok = await confirmDialog('Delete this webhook?',
      'Its pending deliveries are cancelled. This cannot be undone.', 'Delete', true);
    if (!ok || !v.alive) return;
    try {
      await api('DELETE', '/v1/webhooks/' + enc(wh.id));
      if (!v.alive) return;
      state.names.delete(wh.id);
      state.flash = 'Webhook deleted.';
      location.hash = '#/webhooks';
    } catch (e) {
      if (v.alive && !e.signedOut) showStatus(e.message, 'error');
    }
  }

  const secrets = secretsSection(wh);
  const statsBox = el('div', { id: 'webhook-stats' }, el('p', { class: 'loading' }, 'Loading…'));
  const charts = chartsSection(v, wh.id);
  const deliveries = deliveriesSection(v, wh.id);

  main.append(
    summary,
    configSection(wh),
    secrets.node,
    el('section', { class: 'card', 'aria-labelledby': 'stats-title' },
      el('h2', { id: 'stats-title' }, 'Attempts'), statsBox, charts.node),
    recoverSection(v, wh.id, deliveries),
    deliveries.node);

  async function loadStats() {
    try {
      // From the per-minute rollups, as the charts are: cheap however many deliveries there are.
      const base = '/v1/webhooks/' + enc(wh.id) + '/series?window=';
      const [hour, day] = await Promise.all([api('GET', base + 'hour'), api('GET', base + 'day')]);
      if (!v.alive) return;
      statsBox.replaceChildren(statsTable({ last_hour: hour && hour.total, last_day: day && day.total }));
    } catch (e) {
      if (v.alive && !e.signedOut) statsBox.replaceChildren(errorBox(e.message));
    }
  }
  loadStats();
  charts.load();
  deliveries.load(false);

  // Live: update deliveries at once, refresh figures now and then.
  let figuresTimer = null;
  onLive(v, (d) => {
    if (d.webhook_id !== wh.id) return;
    deliveries.onAttempt(d);
    if (!figuresTimer) {
      figuresTimer = setTimeout(() => { figuresTimer = null; if (v.alive) { loadStats(); charts.load(); } }, 10000);
    }
  });
  v.cleanups.push(() => clearTimeout(figuresTimer));
}

function configSection(wh) {
  const cfg = wh.config || {};
  const pfs = Array.isArray(cfg.propertyFilters) ? cfg.propertyFilters : [];
  const include = wh.includeData != null ? wh.includeData : cfg.includeData;
  return el('section', { class: 'card', 'aria-labelledby': 'config-title' },
    el('h2', { id: 'config-title' }, 'Configuration'),
    facts([
      ['Sample rate', cfg.sampleRate != null ? cfg.sampleRate + ' %' : DASH],
      ['Request and response data', include ? 'Included' : 'Not included'],
      ['Property filters', pfs.length === 0 ? 'None' : el('ul', { class: 'plain' },
        pfs.map((p) => el('li', null, el('code', null, String(p.key)), ' = ', el('code', null, String(p.value)))))],
      ['Filter expression', cfg.filter == null ? 'None' : el('pre', { class: 'code' }, JSON.stringify(cfg.filter, null, 2))]]));
}

function secretsSection(initial) {
  const items = [
    { field: 'hmac_key', label: 'HMAC key', slug: 'hmac-key' },
    { field: 'signing_secret', label: 'Signing secret', slug: 'signing-secret' },
  ];
  let current = initial;
  const dl = el('dl', { class: 'facts secrets' });
  for (const it of items) {
    it.revealed = false;
    it.code = el('code', { id: 'secret-' + it.slug, class: 'secret wrap-anywhere' });
    it.reveal = button('Reveal', () => {
      it.revealed = !it.revealed;
      paint(it);
    }, { id: 'reveal-' + it.slug, 'aria-controls': 'secret-' + it.slug, 'aria-pressed': 'false' });
    it.copy = button('Copy', () => copyText(String(current[it.field] || '')), { id: 'copy-' + it.slug });
    dl.append(el('dt', null, it.label), el('dd', null, it.code, ' ', el('span', { class: 'inline-actions' }, it.reveal, it.copy)));
  }
  function paint(it) {
    const value = String(current[it.field] || '');
    it.code.textContent = it.revealed ? value : '•'.repeat(24);
    it.code.setAttribute('aria-label', it.revealed ? it.label : it.label + ' (hidden)');
    it.reveal.textContent = it.revealed ? 'Hide' : 'Reveal';
    it.reveal.setAttribute('aria-pressed', String(it.revealed));
  }
  items.forEach(paint);
  const node = el('section', { class: 'card', 'aria-labelledby': 'secrets-title' },
    el('h2', { id: 'secrets-title' }, 'Signing secrets'),
    el('p', { class: 'hint' }, 'Receivers verify the signature of each delivery with one of these (they hold the same key).'),
    dl);
  return {
    node,
    update(wh) { current = wh; for (const it of items) { it.revealed = false; paint(it); } },
  };
}

function statsTable(s) {
  const row = (label, w) => {
    w = w || {};
    const rate = w.attempts ? (w.successes || 0) / w.attempts : null;
    return el('tr', null,
      el('th', { scope: 'row' }, label),
      el('td', { class: 'num' }, fmtNum(w.attempts)),
      el('td', { class: 'num' }, fmtNum(w.successes)),
      el('td', { class: 'num' }, fmtNum(w.failures)),
      el('td', { class: 'num' }, fmtRate(rate)),
      el('td', { class: 'num' }, fmtMs(w.p50_latency_ms)),
      el('td', { class: 'num' }, fmtMs(w.p99_latency_ms)));
  };
  return tableWrap('Attempt figures', el('table', { id: 'stats-table' },
    thead(['Window', 'Attempts', 'Succeeded', 'Failed', 'Success rate', 'p50 latency', 'p99 latency']),
    el('tbody', null, row('Last hour', s && s.last_hour), row('Last day', s && s.last_day))));
}

// ---------------------------------------------------------------- charts
function chartsSection(v, id) {
  let windowName = 'hour';
  const hourBtn = button('Last hour', () => select('hour'), { id: 'chart-window-hour', 'aria-pressed': 'true' });
  const dayBtn = button('Last day', () => select('day'), { id: 'chart-window-day', 'aria-pressed': 'false' });
  const box = el('div', { class: 'charts', id: 'webhook-charts' });
  const summary = el('p', { id: 'chart-summary', class: 'chart-summary' });
  const node = el('div', { class: 'chart-block' },
    el('div', { class: 'segmented', role: 'group', 'aria-label': 'Chart window' }, hourBtn, dayBtn),
    summary, box);
  function select(w) {
    windowName = w;
    hourBtn.setAttribute('aria-pressed', String(w === 'hour'));
    dayBtn.setAttribute('aria-pressed', String(w === 'day'));
    load();
  }
  let seq = 0;
  async function load() {
    const mine = ++seq;
    try {
      const s = await api('GET', '/v1/webhooks/' + enc(id) + '/series?window=' + windowName);
      if (!v.alive || mine !== seq) return;
      drawCharts(box, summary, s || {}, windowName);
    } catch (e) {
      if (!v.alive || e.signedOut || mine !== seq) return;
      summary.textContent = '';
      box.replaceChildren(errorBox('Charts unavailable: ' + e.message));
    }
  }
  return { node, load };
}

function niceMax(v) {
  if (!(v > 0)) return 1;
  const p = Math.pow(10, Math.floor(Math.log10(v)));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

function shortTime(iso) {
  const d = new Date(iso);
  return isNaN(d.getTime()) ? '' : d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

function drawCharts(box, summary, s, windowName) {
  const pts = Array.isArray(s.points) ? s.points : [];
  const W = 640; const H = 200; const ml = 56; const mr = 12; const mt = 12; const mb = 40;
  const pw = W - ml - mr; const ph = H - mt - mb;
  const n = Math.max(pts.length, 1);
  const bw = pw / n;
  const label = windowName === 'day' ? 'Last day' : 'Last hour';
  const bucketMin = s.bucket_seconds ? Math.round(s.bucket_seconds / 60) : null;

  function frame(idBase, title, yMax, yFmt, yTitle) {
    const titleId = idBase + '-title';
    const root = svg('svg', { viewBox: `0 0 ${W} ${H}`, width: W, height: H, class: 'chart', role: 'img', 'aria-labelledby': titleId, id: idBase, preserveAspectRatio: 'xMidYMid meet' },
      svg('title', { id: titleId }, title));
    for (const f of [0, 0.5, 1]) {
      const y = mt + ph - f * ph;
      root.append(svg('line', { x1: ml, x2: ml + pw, y1: y, y2: y, class: f === 0 ? 'axis' : 'grid' }),
        svg('text', { x: ml - 6, y: y + 4, class: 'tick', 'text-anchor': 'end' }, yFmt(yMax * f)));
    }
    root.append(svg('line', { x1: ml, x2: ml, y1: mt, y2: mt + ph, class: 'axis' }));
    if (pts.length) {
      const idx = [0, Math.floor((pts.length - 1) / 2), pts.length - 1];
      const anchors = ['start', 'middle', 'end'];
      idx.forEach((i, k) => {
        const x = k === 0 ? ml : k === 2 ? ml + pw : ml + (i + 0.5) * bw;
        root.append(svg('text', { x, y: mt + ph + 16, class: 'tick', 'text-anchor': anchors[k] }, shortTime(pts[i].at)));
      });
    }
    root.append(
      svg('text', { x: ml + pw / 2, y: H - 4, class: 'axis-title', 'text-anchor': 'middle' }, 'Time'),
      svg('text', { x: 12, y: mt + ph / 2, class: 'axis-title', 'text-anchor': 'middle', transform: `rotate(-90 12 ${mt + ph / 2})` }, yTitle));
    return root;
  }

  // Deliveries: stacked bars
  let totalOk = 0; let totalBad = 0; let maxCount = 0;
  for (const p of pts) {
    const a = Number(p.succeeded) || 0; const b = Number(p.failed) || 0;
    totalOk += a; totalBad += b; maxCount = Math.max(maxCount, a + b);
  }
  const yMaxC = niceMax(Math.max(maxCount, 1));
  const countFmt = (x) => (Math.round(x * 10) / 10).toLocaleString();
  const bars = frame('chart-deliveries', `Attempts per ${bucketMin || ''} minute bucket, ${label.toLowerCase()}: succeeded and failed`, yMaxC, countFmt, 'Attempts');
  pts.forEach((p, i) => {
    const a = Number(p.succeeded) || 0; const b = Number(p.failed) || 0;
    const x = ml + i * bw + Math.min(1, bw * 0.1);
    const w = Math.max(bw - Math.min(2, bw * 0.2), 0.5);
    const ha = (a / yMaxC) * ph; const hb = (b / yMaxC) * ph;
    const base = mt + ph;
    if (a > 0) bars.append(svg('rect', { x, y: base - ha, width: w, height: ha, class: 'bar-ok' }, svg('title', null, `${shortTime(p.at)}: ${a} succeeded, ${b} failed`)));
    if (b > 0) bars.append(svg('rect', { x, y: base - ha - hb, width: w, height: hb, class: 'bar-bad' }, svg('title', null, `${shortTime(p.at)}: ${a} succeeded, ${b} failed`)));
  });

  // Latency: p50 and p99 lines
  let maxLat = 0; let maxP99 = null; let minP50 = null; let maxP50 = null;
  for (const p of pts) {
    if (p.p99_latency_ms != null) { maxLat = Math.max(maxLat, p.p99_latency_ms); maxP99 = Math.max(maxP99 == null ? 0 : maxP99, p.p99_latency_ms); }
    if (p.p50_latency_ms != null) {
      maxLat = Math.max(maxLat, p.p50_latency_ms);
      minP50 = minP50 == null ? p.p50_latency_ms : Math.min(minP50, p.p50_latency_ms);
      maxP50 = maxP50 == null ? p.p50_latency_ms : Math.max(maxP50, p.p50_latency_ms);
    }
  }
  const yMaxL = niceMax(Math.max(maxLat, 1));
  const lat = frame('chart-latency', `p50 and p99 latency in milliseconds, ${label.toLowerCase()}`, yMaxL, (x) => Math.round(x).toLocaleString(), 'ms');
  for (const [field, cls] of [['p99_latency_ms', 'line-p99'], ['p50_latency_ms', 'line-p50']]) {
    let seg = [];
    const flush = () => {
      if (seg.length === 1) lat.append(svg('circle', { cx: seg[0][0], cy: seg[0][1], r: 2.5, class: cls + ' dot' }));
      else if (seg.length > 1) lat.append(svg('polyline', { points: seg.map((q) => q.join(',')).join(' '), class: cls }));
      seg = [];
    };
    pts.forEach((p, i) => {
      const val = p[field];
      if (val == null) { flush(); return; }
      seg.push([+(ml + (i + 0.5) * bw).toFixed(1), +(mt + ph - (val / yMaxL) * ph).toFixed(1)]);
    });
    flush();
  }

  const legend = el('ul', { class: 'legend', 'aria-hidden': 'true' },
    el('li', null, el('span', { class: 'swatch swatch-ok' }), 'Succeeded'),
    el('li', null, el('span', { class: 'swatch swatch-bad' }), 'Failed'),
    el('li', null, el('span', { class: 'swatch swatch-p50' }), 'p50 latency'),
    el('li', null, el('span', { class: 'swatch swatch-p99' }), 'p99 latency'));
  box.replaceChildren(
    el('figure', { class: 'chart-fig' }, bars, el('figcaption', null, 'Attempts per bucket')),
    el('figure', { class: 'chart-fig' }, lat, el('figcaption', null, 'Latency per bucket')),
    legend);

  let text = `${label}${bucketMin ? ` (${pts.length} buckets of ${bucketMin} min)` : ''}: ${totalOk.toLocaleString()} succeeded, ${totalBad.toLocaleString()} failed attempts.`;
  if (maxP99 != null) {
    text += ` Median latency per bucket from ${fmtMs(minP50)} to ${fmtMs(maxP50)}; highest p99 ${fmtMs(maxP99)}.`;
  } else {
    text += ' No attempts, so no latency figures.';
  }
  summary.textContent = text;
}

// ---------------------------------------------------------------- recover
function recoverSection(v, id, deliveries) {
  const input = el('input', { id: 'recover-since', type: 'datetime-local', step: '60', 'aria-describedby': 'recover-hint' });
  const d = new Date(Date.now() - 24 * 3600 * 1000);
  const pad = (x) => String(x).padStart(2, '0');
  input.value = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
  const result = el('p', { id: 'recover-result', class: 'result', role: 'status', 'aria-live': 'polite' });
  const btn = el('button', { type: 'submit', id: 'recover-button' }, 'Recover');
  const form = el('form', { class: 'inline-form', id: 'recover-form', novalidate: true },
    el('div', { class: 'field' },
      el('label', { for: 'recover-since' }, 'Recover failed deliveries since'),
      input,
      el('p', { class: 'hint', id: 'recover-hint' }, 'Queues again every failed delivery created since then (your local time).')),
    el('div', { class: 'actions' }, btn));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    result.classList.remove('error');
    const t = new Date(input.value);
    if (!input.value || isNaN(t.getTime())) {
      result.textContent = 'Choose a date and time.';
      result.classList.add('error');
      input.focus();
      return;
    }
    btn.disabled = true;
    try {
      const r = await api('POST', '/v1/webhooks/' + enc(id) + '/recover', { since: t.toISOString() });
      if (!v.alive) return;
      const n = r && r.count != null ? r.count : 0;
      result.textContent = `Queued ${n} ${n === 1 ? 'delivery' : 'deliveries'}`;
      deliveries.refreshSoon();
    } catch (ex) {
      if (!v.alive || ex.signedOut) return;
      result.textContent = ex.message;
      result.classList.add('error');
    } finally {
      btn.disabled = false;
    }
  });
  return el('section', { class: 'card', 'aria-labelledby': 'recover-title' },
    el('h2', { id: 'recover-title' }, 'Recover'), form, result);
}

// ---------------------------------------------------------------- deliveries
function deliveriesSection(v, webhookId) {
  const entries = new Map(); // delivery id -> {d, row, cells, details, expanded}
  let cursor = null;
  const select = el('select', { id: 'deliveries-status', name: 'status' },
    el('option', { value: '' }, 'All'),
    ['pending', 'delivered', 'failed', 'cancelled'].map((s) => el('option', { value: s }, s)));
  const tbody = el('tbody', { id: 'deliveries-body' });
  const table = el('table', { id: 'deliveries-table', class: 'deliveries' },
    el('caption', { class: 'sr-only' }, 'Deliveries, newest first'),
    thead([el('span', { class: 'sr-only' }, 'Details'), 'Time', 'Request', 'Status', 'Attempts', 'Next attempt']),
    tbody);
  const empty = el('p', { class: 'empty', id: 'deliveries-empty', hidden: true }, 'No deliveries yet.');
  const err = el('div', { id: 'deliveries-error' });
  const more = button('Load more', () => load(true), { id: 'deliveries-load-more', hidden: true });
  const node = el('section', { class: 'card', 'aria-labelledby': 'deliveries-title' },
    el('h2', { id: 'deliveries-title' }, 'Deliveries'),
    el('div', { class: 'field inline' }, el('label', { for: 'deliveries-status' }, 'Status'), select),
    err, tableWrap('Deliveries', table), empty, el('div', { class: 'actions' }, more));
  select.addEventListener('change', () => load(false));

  function path(withCursor) {
    const q = new URLSearchParams({ limit: '50' });
    if (select.value) q.set('status', select.value);
    if (withCursor && cursor) q.set('cursor', cursor);
    return '/v1/webhooks/' + enc(webhookId) + '/deliveries?' + q.toString();
  }

  let seq = 0;
  async function load(next) {
    const mine = ++seq;
    err.replaceChildren();
    more.disabled = true;
    try {
      const page = await api('GET', path(next));
      if (!v.alive || mine !== seq) return;
      if (!next) { entries.clear(); tbody.replaceChildren(); }
      for (const d of (page && Array.isArray(page.items) ? page.items : [])) upsert(d, false);
      cursor = page ? page.next_cursor || null : null;
      more.hidden = !cursor;
      empty.hidden = entries.size > 0;
    } catch (e) {
      if (!v.alive || e.signedOut || mine !== seq) return;
      err.replaceChildren(errorBox(e.message));
    } finally {
      more.disabled = false;
    }
  }

  /** Adds or updates a delivery row; new ones go to the end (paging) or the top (live). */
  function upsert(d, prepend) {
    if (!d || d.id == null) return;
    const existing = entries.get(d.id);
    if (existing) {
      existing.d = Object.assign({}, existing.d, d);
      paintRow(existing);
      if (existing.expanded) paintDetails(existing);
      return;
    }
    const entry = { d, expanded: false, payload: undefined };
    const detailsId = 'delivery-details-' + String(d.id).replace(/[^A-Za-z0-9_-]/g, '');
    entry.toggle = el('button', { type: 'button', class: 'small delivery-toggle', 'aria-expanded': 'false', 'aria-controls': detailsId }, 'Details');
    entry.toggle.addEventListener('click', (e) => { e.stopPropagation(); toggle(entry); });
    entry.cells = {
      time: el('td', { class: 'nowrap' }),
      request: el('td', { class: 'nowrap' }),
      status: el('td'),
      attempts: el('td', { class: 'num' }),
      next: el('td', { class: 'nowrap' }),
    };
    entry.row = el('tr', { class: 'delivery-row', 'data-delivery-id': String(d.id) },
      el('td', null, entry.toggle), entry.cells.time, entry.cells.request, entry.cells.status, entry.cells.attempts, entry.cells.next);
    entry.row.addEventListener('click', (e) => {
      if (e.target.closest('a, button, input, select, textarea')) return;
      toggle(entry);
    });
    entry.detailsCell = el('td', { colspan: '6' });
    entry.details = el('tr', { class: 'delivery-details', id: detailsId, hidden: true }, entry.detailsCell);
    entries.set(d.id, entry);
    paintRow(entry);
    if (prepend) tbody.prepend(entry.row, entry.details);
    else tbody.append(entry.row, entry.details);
    empty.hidden = true;
  }

  function paintRow(entry) {
    const d = entry.d;
    const c = entry.cells;
    c.time.replaceChildren(timeEl(d.created_at));
    c.request.replaceChildren(d.request_id ? link(['requests', d.request_id], abbr(d.request_id), { title: String(d.request_id) }) : DASH);
    c.status.replaceChildren(statusBadge(d.status));
    c.attempts.textContent = fmtNum(d.attempts_count);
    c.next.replaceChildren(d.next_attempt_at ? timeEl(d.next_attempt_at) : document.createTextNode(DASH));
    entry.row.className = 'delivery-row status-' + String(d.status).replace(/[^a-z]/gi, '');
  }

  function toggle(entry) {
    entry.expanded = !entry.expanded;
    entry.toggle.setAttribute('aria-expanded', String(entry.expanded));
    entry.toggle.textContent = entry.expanded ? 'Hide' : 'Details';
    entry.details.hidden = !entry.expanded;
    if (entry.expanded) paintDetails(entry);
  }

  function paintDetails(entry) {
    const d = entry.d;
    const hadRetryFocus = document.activeElement && entry.detailsCell.contains(document.activeElement) &&
      document.activeElement.classList.contains('delivery-retry');
    const attempts = Array.isArray(d.attempts) ? d.attempts.slice().sort((a, b) => (a.attempt || 0) - (b.attempt || 0)) : [];
    const timeline = attempts.length === 0
      ? el('p', { class: 'empty' }, 'No attempt yet.')
      : el('ol', { class: 'timeline' }, attempts.map((a) => el('li', { class: (a.status_code >= 200 && a.status_code < 300) ? 'ok' : 'bad' },
        el('div', { class: 'timeline-head' },
          el('strong', null, 'Attempt ' + (a.attempt != null ? a.attempt : '?')), ' · ',
          timeEl(a.attempted_at), ' · ',
          a.status_code == null ? 'No answer' : 'HTTP ' + a.status_code, ' · ',
          fmtMs(a.latency_ms)),
        a.error ? el('p', { class: 'bad wrap-anywhere' }, 'Error: ' + a.error) : null,
        a.response_body != null && a.response_body !== ''
          ? el('details', null, el('summary', null, 'Response excerpt'), el('pre', { class: 'code' }, String(a.response_body)))
          : null)));
    const retryErr = el('div');
    const retry = el('button', { type: 'button', class: 'delivery-retry', disabled: d.status === 'cancelled' }, 'Retry');
    retry.addEventListener('click', async () => {
      retry.disabled = true;
      retryErr.replaceChildren();
      try {
        const updated = await api('POST', '/v1/webhooks/' + enc(webhookId) + '/deliveries/' + enc(d.id) + '/retry');
        if (!v.alive) return;
        showStatus('Delivery queued again.');
        upsert(updated && updated.id ? updated : Object.assign({}, entry.d, { status: 'pending' }), true);
        refreshSoon();
      } catch (e) {
        if (!v.alive || e.signedOut) return;
        retryErr.replaceChildren(errorBox(e.message));
        retry.disabled = false;
      }
    });
    const payloadBox = el('div', { class: 'payload' });
    entry.detailsCell.replaceChildren(el('div', { class: 'details-body' },
      facts([['Delivery id', el('code', null, String(d.id))],
        ['Request id', d.request_id ? link(['requests', d.request_id], String(d.request_id)) : DASH],
        ['Created', timeEl(d.created_at)]]),
      el('h3', null, 'Attempts'), timeline,
      el('div', { class: 'actions' }, retry), retryErr,
      el('h3', null, 'Payload'), payloadBox));
    if (hadRetryFocus) retry.focus();
    paintPayload(entry, payloadBox);
  }

  async function paintPayload(entry, box) {
    const d = entry.d;
    if (entry.payload === undefined) {
      box.replaceChildren(el('p', { class: 'loading' }, 'Loading the payload…'));
      try {
        const answer = await api('GET', '/v1/webhooks/' + enc(webhookId) + '/deliveries/' + enc(d.id) + '/payload');
        entry.payload = answer ? answer.payload : null;
      } catch (e) {
        if (!v.alive || e.signedOut) return;
        if (box.isConnected) box.replaceChildren(errorBox('Could not load the payload: ' + e.message));
        return;
      }
    }
    if (!v.alive || !box.isConnected) return;
    box.replaceChildren(
      el('p', { class: 'hint' }, 'The body each attempt sends, built from the stored log (with includeData, only the body link\u2019s expiry differs between attempts).'),
      el('pre', { class: 'code payload-body' }, prettyBody(entry.payload)));
  }

  let refreshTimer = null;
  function refreshSoon() {
    if (refreshTimer) return;
    refreshTimer = setTimeout(async () => {
      refreshTimer = null;
      if (!v.alive) return;
      try {
        const page = await api('GET', path(false));
        if (!v.alive) return;
        const items = page && Array.isArray(page.items) ? page.items : [];
        for (let i = items.length - 1; i >= 0; i--) upsert(items[i], true);
        if (entries.size > 0) empty.hidden = true;
      } catch (_) { /* the next event retries */ }
    }, 800);
  }
  v.cleanups.push(() => clearTimeout(refreshTimer));

  function onAttempt(a) {
    const status = a.status === 'retrying' ? 'pending' : a.status;
    const entry = entries.get(a.delivery_id);
    const attempt = {
      attempt: a.attempt, attempted_at: a.attempted_at, status_code: a.status_code,
      latency_ms: a.latency_ms, error: a.error, response_body: null,
    };
    if (entry) {
      const list = Array.isArray(entry.d.attempts) ? entry.d.attempts.filter((x) => x.attempt !== a.attempt) : [];
      list.push(attempt);
      upsert({ id: a.delivery_id, status, attempts_count: Math.max(entry.d.attempts_count || 0, a.attempt || 0), attempts: list,
        next_attempt_at: status === 'pending' ? entry.d.next_attempt_at : null }, false);
    } else if (!select.value || select.value === status) {
      upsert({ id: a.delivery_id, request_id: a.request_id, status, attempts_count: a.attempt || 1,
        next_attempt_at: null, created_at: a.attempted_at, attempts: [attempt] }, true);
    }
    refreshSoon();
  }

  return { node, load, onAttempt, refreshSoon };
}

// ---------------------------------------------------------------- requests
const OUTCOMES = ['completed', 'cancelled', 'upstream_timeout', 'upstream_unreachable', 'upstream_failed'];

function pageRequests() {
  const v = newView('Requests');
  const main = $('#main');
  const f = state.requestFilters;
  const input = (id, name, label, extra) => el('div', { class: 'field' },
    el('label', { for: id }, label),
    el('input', Object.assign({ id, name, type: 'text', autocomplete: 'off', spellcheck: 'false', value: f[name] || '' }, extra || {})));
  const outcome = el('select', { id: 'req-outcome', name: 'outcome' },
    el('option', { value: '' }, 'Any'),
    OUTCOMES.map((o) => el('option', { value: o, selected: f.outcome === o }, o)));
  const form = el('form', { id: 'requests-filter', class: 'card filters', novalidate: true, role: 'search', 'aria-label': 'Filter requests' },
    input('req-model', 'model', 'Model'),
    input('req-user', 'user_id', 'User id'),
    input('req-status', 'status', 'Status', { placeholder: '200 or 5xx', inputmode: 'text' }),
    el('div', { class: 'field' }, el('label', { for: 'req-outcome' }, 'Outcome'), outcome),
    input('req-prop-key', 'prop_key', 'Property key'),
    input('req-prop-value', 'prop_value', 'Property value'),
    el('div', { class: 'actions' },
      el('button', { type: 'submit', class: 'primary', id: 'requests-apply' }, 'Apply filters'),
      button('Clear', () => {
        for (const n of form.querySelectorAll('input')) n.value = '';
        outcome.value = '';
        state.requestFilters = {};
        load(false);
      }, { id: 'requests-clear' })));
  const tbody = el('tbody', { id: 'requests-body' });
  const table = el('table', { id: 'requests-table' },
    el('caption', { class: 'sr-only' }, 'Logged requests, newest first'),
    thead(['Time', 'Request', 'Model', 'User', 'Status', 'Outcome', 'Tokens', 'Cost', 'Latency']),
    tbody);
  const err = el('div', { id: 'requests-error' });
  const empty = el('p', { class: 'empty', id: 'requests-empty', hidden: true }, 'No requests match.');
  const more = button('Load more', () => load(true), { id: 'requests-load-more', hidden: true });
  main.append(heading('Requests'), form, err, tableWrap('Requests', table), empty, el('div', { class: 'actions' }, more));
  focusHeading();

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const data = {};
    for (const n of form.querySelectorAll('input, select')) if (n.name) data[n.name] = n.value.trim();
    state.requestFilters = data;
    load(false);
  });

  let cursor = null;
  let seq = 0;
  let count = 0;
  async function load(next) {
    const mine = ++seq;
    const q = new URLSearchParams({ limit: '50' });
    const fl = state.requestFilters;
    for (const k of ['model', 'user_id', 'status', 'outcome']) if (fl[k]) q.set(k, fl[k]);
    if (fl.prop_key) q.set('property.' + fl.prop_key, fl.prop_value || '');
    if (next && cursor) q.set('cursor', cursor);
    err.replaceChildren();
    more.disabled = true;
    try {
      const page = await api('GET', '/v1/requests?' + q.toString());
      if (!v.alive || mine !== seq) return;
      if (!next) { tbody.replaceChildren(); count = 0; }
      for (const r of (page && Array.isArray(page.items) ? page.items : [])) { tbody.append(requestRow(r)); count++; }
      cursor = page ? page.next_cursor || null : null;
      more.hidden = !cursor;
      empty.hidden = count > 0;
    } catch (e) {
      if (!v.alive || e.signedOut || mine !== seq) return;
      err.replaceChildren(errorBox(e.message));
    } finally {
      more.disabled = false;
    }
  }
  load(false);
}

function requestRow(r) {
  const m = r.metadata || {};
  return el('tr', { 'data-request-id': String(r.request_id) },
    el('td', { class: 'nowrap' }, timeEl(r.created_at)),
    el('td', { class: 'nowrap' }, link(['requests', r.request_id], abbr(r.request_id), { title: String(r.request_id) })),
    el('td', { class: 'wrap-anywhere' }, str(r.model)),
    el('td', { class: 'wrap-anywhere' }, str(r.user_id)),
    el('td', { class: 'num' }, str(r.status)),
    el('td', null, str(r.outcome)),
    el('td', { class: 'num', title: `prompt ${fmtNum(m.promptTokens)}, completion ${fmtNum(m.completionTokens)}` }, fmtNum(m.totalTokens)),
    el('td', { class: 'num' }, fmtCost(m.cost)),
    el('td', { class: 'num' }, fmtMs(m.latencyMs)));
}

async function pageRequest(id) {
  const v = newView('Request');
  const main = $('#main');
  const loading = el('p', { class: 'loading' }, 'Loading request…');
  main.append(heading('Request'), loading);
  focusHeading();
  let r;
  try {
    r = await api('GET', '/v1/request/' + enc(id));
  } catch (e) {
    if (!v.alive) return;
    loading.replaceWith(errorBox(e.message, 'request-error'));
    return;
  }
  if (!v.alive) return;
  loading.remove();
  document.title = 'Request ' + abbr(r.request_id) + ' · Heliograph';
  $('#page-title').replaceChildren('Request ', el('code', { class: 'wrap-anywhere' }, String(r.request_id)));
  const m = r.metadata || {};
  const props = r.properties && typeof r.properties === 'object' ? Object.entries(r.properties) : [];
  main.append(
    el('p', null, link(['requests'], '← All requests')),
    el('section', { class: 'card', 'aria-labelledby': 'req-facts-title' },
      el('h2', { id: 'req-facts-title' }, 'Details'),
      facts([
        ['Started', timeEl(r.created_at)], ['Ended', timeEl(r.ended_at)],
        ['Provider', str(r.provider)], ['Model', str(r.model)], ['User', str(r.user_id)],
        ['Status', str(r.status)], ['Outcome', str(r.outcome)],
        ['Tokens', `${fmtNum(m.totalTokens)} (prompt ${fmtNum(m.promptTokens)}, completion ${fmtNum(m.completionTokens)})`],
        ['Cost', fmtCost(m.cost)], ['Latency', fmtMs(m.latencyMs)], ['Time to first token', fmtMs(m.timeToFirstTokenMs)],
        ['Streamed', r.streamed ? 'Yes' : 'No'], ['Request URL', str(r.request_url)]], { id: 'request-facts' }),
      el('h3', null, 'Properties'),
      props.length === 0 ? el('p', { class: 'empty' }, 'None')
        : tableWrap('Properties', el('table', { id: 'request-properties' },
          thead(['Key', 'Value']),
          el('tbody', null, props.map(([k, val]) => el('tr', null,
            el('td', { class: 'wrap-anywhere' }, k), el('td', { class: 'wrap-anywhere' }, String(val)))))))),
    el('section', { class: 'card', 'aria-labelledby': 'req-body-title' },
      el('h2', { id: 'req-body-title' }, 'Request body'),
      r.request === undefined || r.request === null
        ? el('p', { class: 'empty' }, 'Not stored.')
        : el('pre', { class: 'code', id: 'request-body', tabindex: '0' }, prettyBody(r.request))),
    el('section', { class: 'card', 'aria-labelledby': 'res-body-title' },
      el('h2', { id: 'res-body-title' }, 'Response body'),
      r.response === undefined || r.response === null
        ? el('p', { class: 'empty' }, 'Not stored.')
        : el('pre', { class: 'code', id: 'response-body', tabindex: '0' }, prettyBody(r.response)),
      r.response_text != null
        ? el('details', null, el('summary', null, 'Response as sent (text)'),
          el('pre', { class: 'code', id: 'response-text', tabindex: '0' }, String(r.response_text)))
        : null));
  const hooks = el('div', { id: 'request-webhooks-box' }, el('p', { class: 'loading' }, 'Loading…'));
  main.append(el('section', { class: 'card', 'aria-labelledby': 'req-hooks-title' },
    el('h2', { id: 'req-hooks-title' }, 'Webhooks triggered'), hooks));
  try {
    const dd = await api('GET', '/v1/request/' + enc(r.request_id) + '/deliveries');
    if (!v.alive) return;
    const items = dd && Array.isArray(dd.items) ? dd.items : [];
    if (items.length === 0) {
      hooks.replaceChildren(el('p', { class: 'empty', id: 'request-webhooks-empty' }, 'No webhook matched this request.'));
    } else {
      hooks.replaceChildren(tableWrap('Webhooks triggered', el('table', { id: 'request-webhooks' },
        thead(['Webhook', 'Delivery', 'Status', 'Attempts', 'Created', 'Last answer']),
        el('tbody', null, items.map((d) => {
          const at = Array.isArray(d.attempts) && d.attempts.length ? d.attempts[d.attempts.length - 1] : null;
          return el('tr', null,
            el('td', { class: 'nowrap' }, link(['webhooks', d.webhook_id], abbr(d.webhook_id), { title: String(d.webhook_id) })),
            el('td', { class: 'nowrap', title: String(d.id) }, abbr(d.id)),
            el('td', null, statusBadge(d.status)),
            el('td', { class: 'num' }, fmtNum(d.attempts_count)),
            el('td', { class: 'nowrap' }, timeEl(d.created_at)),
            el('td', { class: 'wrap-anywhere' }, at ? (at.status_code == null ? (at.error || 'No answer') : 'HTTP ' + at.status_code) : DASH));
        })))));
    }
  } catch (e) {
    if (!v.alive || e.signedOut) return;
    hooks.replaceChildren(errorBox(e.message));
  }
}

// ---------------------------------------------------------------- live
function pageLive() {
  const v = newView('Live');
  const main = $('#main');
  const status = el('span', { id: 'live-status', class: 'live-status' }, live.status);
  const list = el('ol', { id: 'live-list', class: 'live-list', 'aria-label': 'Delivery attempts, newest first' });
  const empty = el('p', { class: 'empty', id: 'live-empty' }, 'Waiting for delivery attempts…');
  main.append(
    heading('Live'),
    el('p', { class: 'live-head' }, 'Connection: ', status),
    el('p', { class: 'hint' }, 'Delivery attempts of all your webhooks as they happen (the latest 200).'),
    empty, list);
  setLiveStatus(live.status);
  focusHeading();
  for (const d of live.items) list.append(liveItem(d));
  empty.hidden = live.items.length > 0;
  onLive(v, (d) => {
    list.prepend(liveItem(d));
    while (list.children.length > 200) list.lastElementChild.remove();
    empty.hidden = true;
  });
}

function liveItem(d) {
  const name = state.names.get(d.webhook_id);
  return el('li', { class: ['live-item', 'live-' + String(d.status).replace(/[^a-z]/gi, '')], 'data-delivery-id': d.delivery_id == null ? null : String(d.delivery_id) },
    el('span', { class: 'live-time' }, timeEl(d.attempted_at)),
    statusBadge(d.status),
    el('span', { class: 'live-code' }, d.status_code == null ? 'No answer' : 'HTTP ' + d.status_code),
    el('span', { class: 'live-latency' }, fmtMs(d.latency_ms)),
    el('span', { class: 'live-attempt' }, 'attempt ' + (d.attempt == null ? '?' : d.attempt)),
    el('span', { class: 'live-hook wrap-anywhere' }, d.webhook_id
      ? link(['webhooks', d.webhook_id], name || ('Webhook ' + abbr(d.webhook_id)), { title: String(d.webhook_id) }) : DASH),
    d.error ? el('span', { class: 'live-error bad wrap-anywhere' }, String(d.error)) : null);
}

// ---------------------------------------------------------------- API keys
function pageKeys() {
  const v = newView('API keys');
  const main = $('#main');
  main.append(heading('API keys'));
  focusHeading();
  if (!state.session || state.session.scope !== 'admin') {
    main.append(el('p', { class: 'error', role: 'alert' }, 'Managing API keys needs an admin key.'));
    return;
  }
  const name = el('input', { id: 'key-name', name: 'name', type: 'text', maxlength: '100', autocomplete: 'off', 'aria-describedby': 'key-name-hint' });
  const scope = el('select', { id: 'key-scope', name: 'scope', 'aria-describedby': 'key-scope-hint' },
    el('option', { value: 'ingest', selected: true }, 'ingest'),
    el('option', { value: 'write' }, 'write'),
    el('option', { value: 'admin' }, 'admin'));
  const formErr = el('p', { id: 'key-form-error', class: 'field-error', role: 'alert', hidden: true });
  const submit = el('button', { type: 'submit', class: 'primary', id: 'key-create' }, 'Create key');
  const newKeyPanel = el('div', { id: 'new-key-panel', class: 'card notice-panel', hidden: true });
  const form = el('form', { id: 'key-form', class: 'card form', novalidate: true, 'aria-labelledby': 'key-form-title' },
    el('h2', { id: 'key-form-title' }, 'Create a key'),
    el('div', { class: 'field' }, el('label', { for: 'key-name' }, 'Name'), name,
      el('p', { class: 'hint', id: 'key-name-hint' }, 'Optional label, such as the application that uses it.')),
    el('div', { class: 'field' }, el('label', { for: 'key-scope' }, 'Scope'), scope,
      el('p', { class: 'hint', id: 'key-scope-hint' }, 'ingest: logging only. write: everything but keys. admin: everything.')),
    formErr,
    el('div', { class: 'actions' }, submit));
  const tableBox = el('div', { id: 'keys-box' }, el('p', { class: 'loading' }, 'Loading keys…'));
  const listErr = el('div', { id: 'keys-error' });
  main.append(newKeyPanel, form,
    el('section', { class: 'card', 'aria-labelledby': 'keys-title' }, el('h2', { id: 'keys-title' }, 'Keys'), listErr, tableBox));

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    formErr.hidden = true;
    formErr.textContent = '';
    submit.disabled = true;
    try {
      const body = { scope: scope.value };
      if (name.value.trim()) body.name = name.value.trim();
      const k = await api('POST', '/v1/keys', body);
      if (!v.alive) return;
      name.value = '';
      showNewKey(k);
      load();
    } catch (ex) {
      if (!v.alive || ex.signedOut) return;
      formErr.textContent = ex.message;
      formErr.hidden = false;
    } finally {
      submit.disabled = false;
    }
  });

  function showNewKey(k) {
    let secret = k && k.key ? String(k.key) : '';
    const code = el('code', { id: 'new-key', class: 'wrap-anywhere' }, secret);
    const copy = button('Copy', () => copyText(secret), { id: 'copy-new-key' });
    newKeyPanel.replaceChildren(
      el('h2', { id: 'new-key-title' }, 'New key' + (k && k.name ? ': ' + k.name : '')),
      el('p', { class: 'warning', id: 'new-key-warning' }, 'Copy this key now. It won\'t be shown again.'),
      el('p', null, code),
      el('div', { class: 'actions' }, copy, button('Done', () => {
        secret = '';
        newKeyPanel.replaceChildren();
        newKeyPanel.hidden = true;
        name.focus();
      }, { id: 'new-key-done' })));
    newKeyPanel.hidden = false;
    copy.focus();
  }
  v.cleanups.push(() => { newKeyPanel.replaceChildren(); });

  async function load() {
    try {
      const keys = await api('GET', '/v1/keys');
      if (!v.alive) return;
      listErr.replaceChildren();
      renderKeys(Array.isArray(keys) ? keys : []);
    } catch (e) {
      if (!v.alive || e.signedOut) return;
      tableBox.replaceChildren(errorBox(e.message));
    }
  }

  function renderKeys(keys) {
    if (keys.length === 0) { tableBox.replaceChildren(el('p', { class: 'empty' }, 'No keys.')); return; }
    tableBox.replaceChildren(tableWrap('API keys', el('table', { id: 'keys-table' },
      thead(['Prefix', 'Name', 'Scope', 'Created', 'Revoked', el('span', { class: 'sr-only' }, 'Actions')]),
      el('tbody', null, keys.map((k) => {
        const prefixId = 'key-prefix-' + String(k.id).replace(/[^A-Za-z0-9_-]/g, '');
        return el('tr', { 'data-key-id': String(k.id), class: k.revoked_at ? 'revoked' : null },
          el('td', { class: 'nowrap' }, el('code', { id: prefixId, title: String(k.id) }, String(k.prefix || ''))),
          el('td', { class: 'wrap-anywhere' }, k.name == null || k.name === '' ? DASH : String(k.name)),
          el('td', null, String(k.scope || '')),
          el('td', { class: 'nowrap' }, timeEl(k.created_at)),
          el('td', { class: 'nowrap' }, k.revoked_at ? timeEl(k.revoked_at) : 'No'),
          el('td', null, k.revoked_at ? null : button('Revoke', () => revoke(k), { class: 'danger small', 'aria-describedby': prefixId })));
      })))));
  }

  async function revoke(k) {
    const ok = await confirmDialog('Revoke this key?',
      `Key ${k.prefix || ''}${k.name ? ' (' + k.name + ')' : ''} stops working at once. This cannot be undone.`, 'Revoke', true);
    if (!ok || !v.alive) return;
    listErr.replaceChildren();
    try {
      await api('DELETE', '/v1/keys/' + enc(k.id));
      if (!v.alive) return;
      showStatus('Key revoked.');
      load();
    } catch (e) {
      if (!v.alive || e.signedOut) return;
      listErr.replaceChildren(errorBox(e.message, 'keys-revoke-error'));
    }
  }

  load();
}

// ---------------------------------------------------------------- boot
async function boot() {
  $('#signout-button').addEventListener('click', signOut);
  $('#skip-link').addEventListener('click', () => {
    const h = $('#page-title') || $('#main');
    h.focus();
  });
  window.addEventListener('hashchange', () => { if (state.session) route(); });
  try {
    const s = await api('GET', '/ui/session', undefined, { allow401: true });
    if (s) signedIn(s);
    else renderSignIn(null);
  } catch (e) {
    if (e.status === 401) { renderSignIn(null); return; }
    newView('Error');
    $('#main').append(heading('Heliograph'), errorBox('Could not load the dashboard: ' + e.message),
      button('Try again', () => location.reload(), { id: 'retry-boot' }));
  }
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', boot);
else boot();
})();
