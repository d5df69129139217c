// Shared helpers for the demo pages. Everything from data is put into the page as text nodes (h()), never as
// HTML, so mail content and record values cannot inject markup or scripts.
'use strict';

/** Creates an element: h('a', {href: '/x', class: 'y'}, 'text', child, ...). Strings become text nodes. */
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** Replaces the children of an element. */
function fill(el, ...children) {
  el.replaceChildren();
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

class ApiError extends Error {
  constructor(status, body) {
    const e = (body && body.error) || {};
    super(e.message || ('HTTP ' + status));
    this.status = status; this.code = e.code; this.field = e.field;
  }
  describe() { return (this.field ? this.field + ': ' : '') + this.message; }
}

/** Calls a JSON endpoint with the session cookie. GET without body; POST with a JSON body. */
async function api(path, body, method) {
  const init = { method: method || (body === undefined ? 'GET' : 'POST'), credentials: 'same-origin', headers: {} };
  if (body !== undefined) { init.headers['Content-Type'] = 'application/json'; init.body = JSON.stringify(body); }
  const response = await fetch(path, init);
  const text = await response.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch (e) { json = null; }
  if (response.status === 401 && !location.pathname.startsWith('/login')) {
    location.href = '/login?next=' + encodeURIComponent(location.pathname);
    throw new ApiError(401, json);
  }
  if (!response.ok) throw new ApiError(response.status, json);
  return json;
}

/** The signed-in user, or a redirect to the sign-in page. Also draws the top bar. */
async function requireUser(active) {
  const me = await api('/demo/api/me');
  drawTopbar(me, active);
  return me;
}

function drawTopbar(me, active) {
  const bar = document.getElementById('topbar');
  const link = (href, label, key) => h('a', { href, class: key === active ? 'active' : null }, label);
  fill(bar,
    h('a', { class: 'brand', href: '/' }, h('span', { class: 'logo' }, '✉'), 'crm-email demo'),
    h('nav', {}, link('/', 'Records', 'records'), link('/mailbox', 'Dev mailbox', 'mailbox')),
    h('span', { class: 'spacer' }),
    h('span', { class: 'who', id: 'who' }, 'Signed in as ' + me.name + ' · ' + me.email),
    h('button', { class: 'link', id: 'signout', onclick: signOut }, 'Sign out'));
}

async function signOut() {
  await fetch('/demo/logout', { method: 'POST', credentials: 'same-origin' });
  location.href = '/login';
}

/** "2026-03-18T10:00:00Z" → local time, readable. */
function when(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return isNaN(d) ? String(iso) : d.toLocaleString([], { dateStyle: 'medium', timeStyle: 'medium' });
}

/** The visible text of an HTML fragment, parsed in an inert document (no scripts run, nothing loads). */
function textOf(html) {
  if (!html) return '';
  const doc = new DOMParser().parseFromString(String(html), 'text/html');
  return (doc.body.textContent || '').replace(/\n{3,}/g, '\n\n').trim();
}

function statusBadge(status) {
  return h('span', { class: 'status ' + String(status || '').replace(/[^a-z_]/g, ''), dataset: { status: status || '' } }, status || '?');
}

function mailboxText(m) {
  if (!m) return '';
  return m.name ? m.name + ' <' + m.email + '>' : m.email;
}
