'use strict';
// The record page: fields, the email timeline (polled), and the compose modal of the spec.
const [, , tableId, recordId] = location.pathname.split('/').map(Number);
const $ = (id) => document.getElementById(id);
const state = { attachments: [], signatures: [], lastTimeline: '', lastField: null, sending: false };

(async () => {
  await requireUser('records');
  try {
    const record = await api('/demo/api/table/' + tableId + '/record/' + recordId);
    document.title = record.label + ' · crm-email demo';
    $('crumb-table').textContent = record.table.name + ' #' + record.id;
    $('record-title').textContent = record.label;
    fill($('fields'), record.fields.map(f => h('tr', {},
      h('th', {}, f.name, h('span', { class: 'type' }, f.type)),
      h('td', { dataset: { field: f.id } }, f.value === null || f.value === undefined ? '—' : String(f.value)))));
    $('compose-btn').disabled = false;
  } catch (e) {
    fill($('timeline'), h('div', { class: 'error-box' }, e.describe()));
    return;
  }
  refreshTimeline();
  setInterval(refreshTimeline, 2000);
})();

// ---- timeline -------------------------------------------------------------------------------------

async function refreshTimeline() {
  let comments;
  try {
    comments = await api('/api/table/' + tableId + '/record/' + recordId + '/comments/get');
    $('poll-state').textContent = 'updated ' + new Date().toLocaleTimeString();
  } catch (e) {
    $('poll-state').textContent = 'update failed: ' + e.message;
    return;
  }
  const json = JSON.stringify(comments);
  if (json === state.lastTimeline) return;      // nothing changed: keep the DOM (and the reader's selection)
  state.lastTimeline = json;
  const byParent = new Map();
  for (const c of comments) {
    if (c.type === 'email_in' && c.parentId) {
      if (!byParent.has(c.parentId)) byParent.set(c.parentId, []);
      byParent.get(c.parentId).push(c);
    }
  }
  const ids = new Set(comments.map(c => c.id));
  const top = comments.filter(c => !(c.type === 'email_in' && c.parentId && ids.has(c.parentId))).reverse();
  if (!top.length) {
    fill($('timeline'), h('div', { class: 'empty' }, 'No emails yet. Press ', h('b', {}, 'Compose email'), ' to send the first one.'));
    return;
  }
  fill($('timeline'), top.map(c => c.type === 'email_out' ? outCard(c, byParent.get(c.id) || []) : inCard(c)));
}

function outCard(c, replies) {
  const m = c.metadata || {};
  const times = [['queued', c.createdAt], ['sent', m.sentAt], ['read', m.readAt]]
    .filter(([, t]) => t).map(([k, t]) => k + ' ' + when(t)).join(' · ');
  return h('div', { class: 'mail out email-out', dataset: { id: c.id } },
    h('div', { class: 'mail-head' },
      h('div', {},
        h('div', { class: 'mail-subject' }, m.renderedSubject || m.subject || '(no subject)'),
        h('div', { class: 'mail-meta' }, 'From ' + mailboxText(m.fromIdentity) + ' → ' +
          [...(m.to || []), ...(m.cc || [])].join(', '))),
      statusBadge(m.status)),
    h('div', { class: 'mail-meta' }, times),
    m.error ? h('div', { class: 'mail-error' }, m.error) : null,
    h('div', { class: 'mail-preview' }, textOf(m.body)),
    (m.attachments || []).length ? h('div', { class: 'chips' }, m.attachments.map(a => h('span', { class: 'chip' }, a.name))) : null,
    replies.length ? h('div', { class: 'replies' }, replies.map(inCard)) : null);
}

function inCard(c) {
  const m = c.metadata || {};
  return h('div', { class: 'mail in email-in', dataset: { id: c.id, parent: c.parentId || '' } },
    h('div', { class: 'mail-head' },
      h('div', {},
        h('div', { class: 'mail-subject' }, '↩ ' + (m.subject || '(no subject)')),
        h('div', { class: 'mail-meta' }, 'From ' + mailboxText(m.fromIdentity) + ' · ' + when(m.receivedAt || c.createdAt))),
      statusBadge(m.status || 'received')),
    h('div', { class: 'reply-text' }, m.replyText || m.text || textOf(m.html) || ''),
    (m.attachments || []).length ? h('div', { class: 'chips' }, m.attachments.map(a => h('span', { class: 'chip' }, a.name))) : null);
}

// ---- compose --------------------------------------------------------------------------------------

$('compose-btn').addEventListener('click', openCompose);
$('compose-close').addEventListener('click', closeCompose);
$('compose-cancel').addEventListener('click', closeCompose);
document.addEventListener('keydown', (e) => { if (e.key === 'Escape' && !$('compose').hidden) closeCompose(); });
for (const id of ['subject', 'body']) $(id).addEventListener('focus', () => { state.lastField = $(id); });

async function openCompose() {
  $('compose-error').hidden = true;
  $('compose').hidden = false;
  try {
    const [context, options] = await Promise.all([
      api('/api/email/recordContext', { tableId, recordId }),
      api('/api/email/smtpOptions', {})]);
    fill($('to-suggestions'), context.emails.map(email => h('button', {
      type: 'button', class: 'chip suggest', onclick: () => addRecipient(email) }, '+ ' + email)));
    if (!$('to').value && context.emails.length) $('to').value = context.emails[0];
    fill($('field-picker'), h('option', { value: '' }, 'Insert {{field:…}}'),
      context.fields.map(f => h('option', { value: f.id }, f.name + ' — {{field:' + f.id + '}}')));
    const from = [];
    for (const o of options) {
      for (const identity of o.fromIdentities) {
        from.push(h('option', { value: JSON.stringify({ integration: o.id, identity }) },
          mailboxText(identity) + ' · via ' + o.label + (o.disablePixel ? ' (no open tracking)' : '')));
      }
    }
    fill($('from'), from.length ? from : [h('option', { value: '' }, 'No SMTP integration with a From identity')]);
    await loadSignatures();
    $('subject').focus();
  } catch (e) {
    showComposeError(e);
  }
}

function closeCompose() {
  $('compose').hidden = true;
  $('sig-editor').hidden = true;
}

function addRecipient(email) {
  const list = splitAddresses($('to').value);
  if (!list.includes(email)) list.push(email);
  $('to').value = list.join(', ');
}

function splitAddresses(text) {
  return text.split(/[,;\n]/).map(s => s.trim()).filter(Boolean);
}

$('field-picker').addEventListener('change', () => {
  const slug = $('field-picker').value;
  if (!slug) return;
  const target = state.lastField || $('body');
  const token = '{{field:' + slug + '}}';
  const start = target.selectionStart ?? target.value.length;
  const end = target.selectionEnd ?? target.value.length;
  target.value = target.value.slice(0, start) + token + target.value.slice(end);
  target.focus();
  target.setSelectionRange(start + token.length, start + token.length);
  $('field-picker').value = '';
});

/** Plain text as the HTML body: escaped, blank lines make paragraphs, single line breaks <br>. */
function bodyHtml(text) {
  const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  return text.trim().split(/\n\s*\n/).map(p => '<p>' + esc(p).replace(/\n/g, '<br>') + '</p>').join('\n');
}

$('send').addEventListener('click', async () => {
  if (state.sending) return;
  $('compose-error').hidden = true;
  let from;
  try { from = JSON.parse($('from').value); } catch (e) { from = null; }
  if (!from) { showComposeError(new Error('Choose a From identity.')); return; }
  const request = {
    tableId, recordId,
    smtpIntegrationId: from.integration,
    fromIdentity: from.identity,
    to: splitAddresses($('to').value),
    cc: splitAddresses($('cc').value),
    bcc: splitAddresses($('bcc').value),
    subject: $('subject').value,
    body: bodyHtml($('body').value),
    attachments: state.attachments,
  };
  if ($('signature').value) request.signatureId = Number($('signature').value);
  state.sending = true;
  $('send').disabled = true;
  try {
    await api('/api/email/send', request);
    closeCompose();
    $('subject').value = ''; $('body').value = ''; $('cc').value = ''; $('bcc').value = '';
    state.attachments = []; drawAttachments();
    refreshTimeline();
  } catch (e) {
    showComposeError(e);
  } finally {
    state.sending = false;
    $('send').disabled = false;
  }
});

function showComposeError(e) {
  $('compose-error').textContent = e instanceof ApiError ? e.describe() : e.message;
  $('compose-error').hidden = false;
}

// ---- attachments ----------------------------------------------------------------------------------

$('attach').addEventListener('change', async () => {
  const files = [...$('attach').files];
  $('attach').value = '';
  for (const file of files) {
    const form = new FormData();
    form.append('tableId', String(tableId));
    form.append('file', file);
    $('compose-note').textContent = 'Uploading ' + file.name + '…';
    try {
      const response = await fetch('/api/upload', { method: 'POST', body: form, credentials: 'same-origin' });
      const json = await response.json().catch(() => null);
      if (!response.ok) throw new ApiError(response.status, json);
      state.attachments.push(json);
      drawAttachments();
      $('compose-note').textContent = '';
    } catch (e) {
      $('compose-note').textContent = '';
      showComposeError(e);
    }
  }
});

function drawAttachments() {
  fill($('attachments'), state.attachments.map((a, i) => h('span', { class: 'chip attachment' },
    a.name + ' (' + Math.max(1, Math.round(a.size / 1024)) + ' KB)',
    h('button', { type: 'button', title: 'Remove', onclick: () => { state.attachments.splice(i, 1); drawAttachments(); } }, '✕'))));
}

// ---- signatures -----------------------------------------------------------------------------------

async function loadSignatures(selectId) {
  state.signatures = await api('/api/email/signatures/list', {});
  const current = selectId ?? $('signature').value;
  const def = state.signatures.find(s => s.is_default);
  fill($('signature'), h('option', { value: '' }, 'No signature'),
    state.signatures.map(s => h('option', { value: s.id }, s.name + (s.is_default ? ' (default)' : ''))));
  const wanted = state.signatures.some(s => String(s.id) === String(current)) ? String(current) : def ? String(def.id) : '';
  $('signature').value = wanted;
  fill($('sig-list'), state.signatures.length ? state.signatures.map(s => h('li', {},
    h('span', {}, s.name, s.is_default ? h('span', { class: 'muted small' }, ' · default') : null),
    h('span', { class: 'actions' },
      h('button', { type: 'button', class: 'link', onclick: () => editSignature(s) }, 'Edit'),
      h('button', { type: 'button', class: 'link danger', onclick: () => deleteSignature(s) }, 'Delete'))))
    : [h('li', { class: 'muted' }, 'No signatures yet — write one below.')]);
}

$('sig-manage').addEventListener('click', () => { $('sig-editor').hidden = !$('sig-editor').hidden; });
$('sig-new').addEventListener('click', () => editSignature(null));

function editSignature(s) {
  $('sig-id').value = s ? s.id : '';
  $('sig-name').value = s ? s.name : '';
  $('sig-html').value = s ? s.html : '';
  $('sig-default').checked = s ? !!s.is_default : false;
  $('sig-error').hidden = true;
  $('sig-name').focus();
}

$('sig-save').addEventListener('click', async () => {
  $('sig-error').hidden = true;
  const body = { name: $('sig-name').value.trim(), html: $('sig-html').value, is_default: $('sig-default').checked };
  const id = $('sig-id').value;
  try {
    const saved = await api(id ? '/api/email/signature/' + id + '/update' : '/api/email/signatures/create', body);
    editSignature(null);
    await loadSignatures(saved.id);
  } catch (e) {
    $('sig-error').textContent = e instanceof ApiError ? e.describe() : e.message;
    $('sig-error').hidden = false;
  }
});

async function deleteSignature(s) {
  if (!confirm('Delete the signature "' + s.name + '"?')) return;
  try {
    await api('/api/email/signature/' + s.id + '/delete', {});
    await loadSignatures();
  } catch (e) {
    $('sig-error').textContent = e.describe ? e.describe() : e.message;
    $('sig-error').hidden = false;
  }
}
