'use strict';
(async () => {
  await requireUser('records');
  const tables = await api('/demo/api/tables');
  const box = document.getElementById('tables');
  if (!tables.length) fill(box, h('div', { class: 'card empty' }, 'You may not write any table.'));
  for (const t of tables) {
    box.append(h('div', { class: 'card' },
      h('h2', {}, t.name, ' ', h('span', { class: 'muted small' }, '· table ' + t.id)),
      h('div', { class: 'records-list' }, t.records.map(r =>
        h('a', { href: '/record/' + t.id + '/' + r.id, class: 'record-link', dataset: { table: t.id, record: r.id } },
          h('span', {}, r.label), h('span', { class: 'muted small' }, '#' + r.id))))));
  }
})();
