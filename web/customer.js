/* Customers: search as you type, one customer with their timeline and
 * cases, merge and delete (supervisors, administrators), CSV import with
 * a dry run listing every bad row, and export. ?id=N opens a customer. */
'use strict';
const $ = SB.el;
const C = { me: null, id: null };
const manager = () => C.me && (C.me.role === 'supervisor' || C.me.role === 'admin');

let timer = null;
$('q').addEventListener('input', () => {
  clearTimeout(timer);
  timer = setTimeout(search, 200);
});

async function search() {
  const q = $('q').value.trim();
  const ul = $('results');
  if (q.length < 2) { ul.innerHTML = ''; return; }
  let r;
  try { r = await SB.api('GET', '/search?q=' + encodeURIComponent(q) + '&limit=20'); } catch (e) { return; }
  if ($('q').value.trim() !== q) return;
  ul.innerHTML = '';
  for (const c of r.customers) {
    const li = document.createElement('li');
    li.innerHTML = '<a href="#">' + SB.esc(c.name || '(no name) #' + c.id) + '</a>' +
      (c.tier === 'VIP' ? ' <span class="badge vip">VIP</span>' : '') +
      ' <span class="muted">' + SB.esc([c.company, c.phone, c.email].filter(Boolean).join(' · ')) + '</span>';
    li.querySelector('a').onclick = (ev) => { ev.preventDefault(); show(c.id); };
    ul.appendChild(li);
  }
  for (const k of r.cases) {
    const li = document.createElement('li');
    li.innerHTML = 'Case #' + SB.esc(k.id) + ': ' + SB.esc(k.subject) + ' <span class="badge">' +
      SB.esc(k.status) + '</span>' + (k.customer_id ? ' <a href="#">' + SB.esc(k.customer_name || '#' + k.customer_id) + '</a>' : '');
    const a = li.querySelector('a');
    if (a) a.onclick = (ev) => { ev.preventDefault(); show(k.customer_id); };
    ul.appendChild(li);
  }
}

async function show(id) {
  $('d-err').textContent = '';
  let c, tl, cases;
  try {
    [c, tl, cases] = await Promise.all([SB.api('GET', '/customers/' + id),
      SB.api('GET', '/customers/' + id + '/timeline'), SB.api('GET', '/cases?customer=' + id)]);
  } catch (e) { $('d-err').textContent = e.message; return; }
  if (c.merged_into) return show(c.merged_into);
  C.id = id;
  history.replaceState(null, '', '?id=' + id);
  $('detail').classList.remove('hidden');
  $('d-name').textContent = c.name || '(no name)';
  $('d-id').textContent = '#' + c.id;
  $('d-vip').classList.toggle('hidden', c.tier !== 'VIP');
  $('d-prov').classList.toggle('hidden', !c.provisional);
  $('d-info').textContent = [c.company, c.language, c.time_zone, (c.tags || []).join(', ')].filter(Boolean).join(' · ');
  const f = $('d-fields');
  f.innerHTML = '';
  const rows = (c.identities || []).map((i) => [i.kind + (i.label ? ' (' + i.label + ')' : ''), i.value])
    .concat(Object.entries(c.custom || {}))
    .concat([['consent', 'recording ' + (c.consent.recording ? 'yes' : 'no') + ', marketing ' +
      (c.consent.marketing ? 'yes' : 'no')]]);
  for (const [k, v] of rows) {
    const tr = document.createElement('tr');
    tr.innerHTML = '<th>' + SB.esc(k) + '</th><td>' + SB.esc(v) + '</td>';
    f.appendChild(tr);
  }
  const tb = $('d-timeline');
  tb.innerHTML = '';
  for (const i of tl) {
    const tr = document.createElement('tr');
    tr.innerHTML = [new Date(i.started_at).toLocaleString(), i.channel, i.queue, i.agent_name || i.agent_id,
      i.duration_ms != null ? SB.dur(i.duration_ms / 1000) : '', i.disposition || i.outcome, i.notes,
      (i.ivr_path || []).map((p) => typeof p === 'string' ? p : p.node).join(' › ')]
      .map((v) => '<td>' + SB.esc(v) + '</td>').join('');
    tb.appendChild(tr);
  }
  const ul = $('d-cases');
  ul.innerHTML = '';
  for (const k of cases) {
    const li = document.createElement('li');
    li.textContent = '#' + k.id + ' ' + k.subject + ' (' + k.status + ', ' + k.priority + ')';
    ul.appendChild(li);
  }
  $('d-manage').classList.toggle('hidden', !manager());
}

$('btn-merge').onclick = async () => {
  const from = Number($('merge-from').value);
  if (!C.id || !from) return;
  try {
    await SB.api('POST', '/customers/' + C.id + '/merge', { from });
    $('merge-from').value = '';
    show(C.id);
  } catch (e) { $('d-err').textContent = e.message; }
};

$('btn-delete').onclick = async () => {
  if (!C.id || !confirm('Delete this customer? Their interactions stay, unlinked.')) return;
  try {
    await SB.api('DELETE', '/customers/' + C.id);
    $('detail').classList.add('hidden');
    C.id = null;
  } catch (e) { $('d-err').textContent = e.message; }
};

async function upload(dry) {
  const file = $('csv').files[0];
  $('imp-summary').textContent = '';
  $('imp-errors').innerHTML = '';
  if (!file) { $('imp-summary').textContent = 'Choose a CSV file first.'; return; }
  const q = new URLSearchParams();
  if (dry) q.set('dry_run', '1');
  if ($('mapping').value.trim()) q.set('mapping', $('mapping').value.trim());
  const r = await fetch('/api/v1/customers/import?' + q, { method: 'POST', credentials: 'same-origin',
    headers: { 'Content-Type': 'text/csv' }, body: await file.text() });
  const d = await r.json();
  if (d.error) { $('imp-summary').textContent = d.error.message; return; }
  $('imp-summary').textContent = d.rows + ' rows, ' + d.valid + ' valid, ' + d.error_count + ' with problems' +
    (dry ? ' (dry run: nothing imported)' : r.status === 201 ? ': ' + d.imported + ' imported'
      : ': nothing imported (fix every row first)');
  for (const e of d.errors || []) {
    const tr = document.createElement('tr');
    tr.innerHTML = '<td>' + SB.esc(e.line) + '</td><td>' + SB.esc(e.column) + '</td><td>' + SB.esc(e.reason) + '</td>';
    $('imp-errors').appendChild(tr);
  }
}
$('btn-dry').onclick = () => upload(true).catch((e) => { $('imp-summary').textContent = e.message; });
$('btn-import').onclick = () => upload(false).catch((e) => { $('imp-summary').textContent = e.message; });
$('logout').onclick = SB.logout;

(async () => {
  C.me = await SB.api('GET', '/me');
  $('who').textContent = C.me.username;
  $('import').classList.toggle('hidden', !manager());
  const id = Number(new URLSearchParams(location.search).get('id'));
  if (id) show(id);
})().catch((e) => { $('d-err').textContent = e.message; });
