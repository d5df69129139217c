'use strict';
// The dev mailbox: list of caught mail, one message in detail, and two buttons that play the recipient —
// "Open" loads the tracking pixel, "Reply as recipient" posts a reply to the inbound webhook.
const $ = (id) => document.getElementById(id);
const state = { selected: null, lastList: '', detail: null };

(async () => {
  await requireUser('mailbox');
  await refreshList();
  setInterval(refreshList, 3000);
})();

async function refreshList() {
  let data;
  try { data = await api('/demo/api/mailbox'); } catch (e) { $('mailbox-state').textContent = e.message; return; }
  $('mailbox-state').textContent = data.messages.length + ' message(s) · updated ' + new Date().toLocaleTimeString();
  const json = JSON.stringify(data);
  if (json === state.lastList) return;
  state.lastList = json;
  if (!data.enabled) {
    fill($('mailbox-list'), h('li', { class: 'empty' }, 'The demo runs without the SMTP catcher (--smtp-port 0).'));
    return;
  }
  if (!data.messages.length) {
    fill($('mailbox-list'), h('li', { class: 'empty' }, 'No mail yet. Send one from a record.'));
    return;
  }
  fill($('mailbox-list'), data.messages.map(m => h('li', {
      class: 'mail-row' + (m.n === state.selected ? ' selected' : ''), dataset: { n: m.n }, onclick: () => show(m.n) },
    h('div', { class: 's' }, m.subject || '(no subject)'),
    h('div', { class: 'mail-meta' }, 'To ' + m.to.join(', ')),
    h('div', { class: 'mail-meta' }, when(m.date)))));
}

async function show(n) {
  state.selected = n;
  for (const row of document.querySelectorAll('.mail-row')) row.classList.toggle('selected', Number(row.dataset.n) === n);
  let m;
  try { m = await api('/demo/api/mailbox/' + n); } catch (e) { fill($('mail-detail'), h('div', { class: 'error-box' }, e.describe())); return; }
  state.detail = m;
  const header = (name, value) => value ? [h('dt', {}, name), h('dd', {}, value)] : [];
  const panels = {
    html: m.htmlBlocked !== undefined
      // sandbox="" : no scripts, no forms, no top navigation, a unique origin. srcdoc is set as a property.
      ? Object.assign(h('iframe', { class: 'mail-html', id: 'mail-html', sandbox: '', title: 'HTML body' }), { srcdoc: m.htmlBlocked })
      : h('div', { class: 'empty' }, 'No HTML part.'),
    text: h('pre', { class: 'source', id: 'mail-text' }, m.text || '(no text part)'),
    raw: h('pre', { class: 'source', id: 'mail-raw' }, m.raw),
    headers: h('table', { class: 'headers', id: 'mail-headers' }, m.headers.map(x => h('tr', {}, h('td', {}, x.name), h('td', {}, x.value)))),
  };
  const panel = h('div', { class: 'tab-panel' }, panels.html);
  const tabs = h('div', { class: 'tabs' }, Object.keys(panels).map((key, i) => h('button', {
    type: 'button', class: i === 0 ? 'active' : null, dataset: { tab: key },
    onclick: (e) => {
      for (const b of tabs.children) b.classList.toggle('active', b === e.currentTarget);
      fill(panel, panels[key]);
    } }, key === 'html' ? 'HTML' : key[0].toUpperCase() + key.slice(1))));
  fill($('mail-detail'),
    h('h2', { id: 'mail-subject' }, m.subject || '(no subject)'),
    h('dl', { class: 'headers-grid' },
      header('From', m.from.join(', ')), header('To', m.to.join(', ')), header('Cc', m.cc.join(', ')),
      header('Reply-To', m.replyTo.join(', ')), header('Date', when(m.date)), header('Message-ID', m.messageId)),
    h('div', { class: 'actions' },
      h('button', { type: 'button', id: 'open-btn', disabled: !m.pixelUrl, onclick: openPixel,
        title: m.pixelUrl ? 'Loads ' + m.pixelUrl : 'This message has no tracking pixel' }, 'Open (load tracking pixel)'),
      h('button', { type: 'button', id: 'reply-btn', onclick: toggleReply }, '↩ Reply as recipient')),
    h('div', { id: 'mail-flash', class: 'flash', hidden: true }),
    h('div', { class: 'reply-box', id: 'reply-box', hidden: true },
      h('label', { for: 'reply-text' }, 'Reply from ' + (m.to[0] || 'the recipient') + ' to ' + (m.replyTo[0] || m.from[0] || '?')),
      h('textarea', { id: 'reply-text', rows: 4 }, 'Thanks, sounds good! Let\'s talk on Monday.'),
      h('p', {}, h('button', { type: 'button', class: 'primary', id: 'reply-send', onclick: sendReply }, 'Send reply'),
        h('span', { class: 'muted small' }, '  posted as raw RFC 822 to /webhooks/email_receive'))),
    m.attachments.length ? h('div', { class: 'chips' }, m.attachments.map(a => h('span', { class: 'chip' }, a.name + ' · ' + a.type))) : null,
    h('p', { class: 'hint' }, 'Remote images are blocked in the HTML view (as mail clients do), so looking at a message here does not count as opening it.'),
    tabs, panel);
}

function flash(text, bad) {
  const el = $('mail-flash');
  el.textContent = text;
  el.className = bad ? 'error-box' : 'flash';
  el.hidden = false;
}

function openPixel() {
  const m = state.detail;
  const img = new Image();
  img.onload = () => flash('Tracking pixel loaded: the message is now "read" on its record\'s timeline.');
  img.onerror = () => flash('The pixel did not load from ' + m.pixelUrl + ' (is --public-url reachable from this browser?)', true);
  img.src = m.pixelUrl;
}

function toggleReply() {
  $('reply-box').hidden = !$('reply-box').hidden;
  if (!$('reply-box').hidden) $('reply-text').focus();
}

/** Just the address of "Name <a@b>" or "a@b". */
function addressOf(text) {
  const m = /<([^<>]+)>\s*$/.exec(text || '');
  return (m ? m[1] : String(text || '')).trim();
}

/** RFC 2047 encoded-word for non-ASCII header text. */
function headerText(text) {
  const clean = String(text).replace(/[\r\n]+/g, ' ');
  if (/^[\x20-\x7e]*$/.test(clean)) return clean;
  const bytes = new TextEncoder().encode(clean);
  let binary = '';
  bytes.forEach(b => { binary += String.fromCharCode(b); });
  return '=?UTF-8?B?' + btoa(binary) + '?=';
}

function buildReply(m, text) {
  const from = addressOf(m.to[0]);
  const to = addressOf(m.replyTo[0] || m.from[0]);
  const subject = /^re:/i.test(m.subject || '') ? m.subject : 'Re: ' + (m.subject || '');
  const domain = from.split('@')[1] || 'example.org';
  const id = '<' + crypto.randomUUID() + '@' + domain + '>';
  const quoted = (m.text || '').split(/\r?\n/).map(l => '> ' + l).join('\r\n');
  const headers = [
    'From: ' + from, 'To: ' + to, 'Subject: ' + headerText(subject), 'Date: ' + new Date().toUTCString().replace('GMT', '+0000'),
    'Message-ID: ' + id, 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit'];
  if (m.messageId) headers.push('In-Reply-To: ' + m.messageId, 'References: ' + m.messageId);
  const body = text.replace(/\r?\n/g, '\r\n') + '\r\n\r\nOn ' + new Date(m.date || Date.now()).toUTCString() + ', ' +
    addressOf(m.from[0]) + ' wrote:\r\n' + quoted + '\r\n';
  return headers.join('\r\n') + '\r\n\r\n' + body;
}

async function sendReply() {
  const raw = buildReply(state.detail, $('reply-text').value);
  try {
    const response = await fetch('/webhooks/email_receive', { method: 'POST', headers: { 'Content-Type': 'text/raw' }, body: raw });
    if (!response.ok) throw new Error('the webhook answered HTTP ' + response.status);
    $('reply-box').hidden = true;
    flash('Reply delivered to the webhook. It appears under the original email on the record.');
  } catch (e) {
    flash('Reply failed: ' + e.message, true);
  }
}
