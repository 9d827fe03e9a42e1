/* Administration: one generic table-and-form per managed object, driven
 * by the descriptions below (path, columns, fields of the create form). */
'use strict';
const $ = SB.el;
// Skills are {"sales": 8, ...} in the API and "sales:8 support:5" here.
const skillsText = (v) => v && typeof v === 'object'
  ? Object.entries(v).map(([n, l]) => n + ':' + l).join(' ') : SB.text(v);
const parseSkills = (t) => Object.fromEntries(t.trim().split(/\s+/).filter(Boolean)
  .map((p) => { const [name, level] = p.split(':'); return [name, Number(level || 1)]; }));
const membersText = (v) => Array.isArray(v) ? v.map((m) => m.agent_id + ':' + m.level).join(' ') : SB.text(v);
const TABS = [
  { id: 'agents', title: 'Agents', path: '/agents', key: 'id',
    cols: ['id', 'extension', 'name', 'skills', 'enabled'], show: { skills: skillsText },
    fields: [['extension', 'text', 'Extension'], ['name', 'text', 'Name'],
      ['skills', 'text', 'Skills (name:level …)', parseSkills],
      ['sip_password', 'password', 'SIP password']] },
  { id: 'queues', title: 'Queues', path: '/queues', key: 'id',
    cols: ['id', 'name', 'strategy', 'skill', 'sl_target_pct', 'sl_threshold_s', 'wrapup_s', 'members'],
    show: { members: membersText },
    fields: [['name', 'text', 'Name'], ['strategy', 'text', 'Strategy'], ['skill', 'text', 'Required skill'],
      ['sl_target_pct', 'number', 'SL target (%)'], ['sl_threshold_s', 'number', 'SL threshold (s)'],
      ['wrapup_s', 'number', 'Wrap-up (s)']] },
  { id: 'dispositions', title: 'Disposition codes', path: '/dispositions?all=true', post: '/dispositions',
    key: 'id', cols: ['id', 'code', 'label', 'active'], toggle: true,
    fields: [['code', 'text', 'Code'], ['label', 'text', 'Label']] },
  { id: 'away', title: 'Away reasons', path: '/away-reasons?all=true', post: '/away-reasons',
    key: 'id', cols: ['id', 'code', 'label', 'active'], toggle: true,
    fields: [['code', 'text', 'Code'], ['label', 'text', 'Label']] },
  { id: 'accounts', title: 'Logins', path: '/accounts', key: 'id',
    cols: ['id', 'username', 'role', 'agent_id'],
    fields: [['username', 'text', 'User name'], ['password', 'password', 'Password'],
      ['role', 'text', 'Role'], ['agent_id', 'number', 'Agent']] },
  { id: 'flows', title: 'IVR flows', path: '/flows', key: 'name', cols: ['name', 'numbers', 'updated_at'],
    show: { updated_at: (v) => new Date(v).toLocaleString() }, fields: [], readonly: true },
  { id: 'audit', title: 'Audit log', path: '/audit', key: 'id', cols: ['at', 'username', 'action', 'object', 'detail'],
    show: { at: (v) => new Date(v).toLocaleString() }, fields: [], readonly: true },
];
let cur = TABS[0];

function tabButtons() {
  const nav = $('tabs');
  TABS.forEach((t, i) => {
    const b = document.createElement('button');
    b.type = 'button'; b.id = 'tab-' + t.id; b.textContent = t.title;
    b.setAttribute('role', 'tab');
    b.onclick = () => open(t);
    b.onkeydown = (e) => {
      const d = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
      if (d) { const n = TABS[(i + d + TABS.length) % TABS.length]; open(n); $('tab-' + n.id).focus(); }
    };
    nav.appendChild(b);
  });
}

async function open(t) {
  cur = t;
  for (const x of TABS) $('tab-' + x.id).setAttribute('aria-selected', String(x === t));
  $('panel-h').textContent = t.title;
  $('err').textContent = '';
  $('thead').innerHTML = '<tr>' + t.cols.map((c) => '<th>' + SB.esc(c) + '</th>').join('') +
    (t.readonly ? '' : '<th></th>') + '</tr>';
  const form = $('create');
  form.innerHTML = '';
  for (const [name, type, label] of t.fields) {
    const l = document.createElement('label');
    l.textContent = label + ' ';
    const inp = document.createElement('input');
    inp.name = name; inp.type = type;
    l.appendChild(inp); form.appendChild(l);
  }
  if (t.fields.length) {
    const b = document.createElement('button');
    b.type = 'submit'; b.className = 'primary'; b.textContent = 'Add';
    form.appendChild(b);
  }
  await load();
}

async function load() {
  const t = cur, tb = $('tbody');
  tb.innerHTML = '';
  let rows;
  try { rows = await SB.api('GET', t.path); } catch (e) {
    $('err').textContent = e.status === 404 ? 'not available on this server yet' : e.message; return;
  }
  for (const r of rows) {
    const tr = document.createElement('tr');
    tr.innerHTML = t.cols.map((c) => '<td>' + SB.esc((t.show && t.show[c]) ? t.show[c](r[c]) : r[c]) + '</td>').join('');
    if (!t.readonly) {
      const td = document.createElement('td');
      if (t.toggle) {
        const b = document.createElement('button');
        b.type = 'button'; b.textContent = r.active ? 'Deactivate' : 'Activate';
        b.onclick = () => act('PATCH', (t.post || t.path) + '/' + r[t.key], { active: !r.active });
        td.appendChild(b);
      }
      const del = document.createElement('button');
      del.type = 'button'; del.className = 'danger'; del.textContent = 'Delete';
      del.setAttribute('aria-label', 'delete ' + r[t.key]);
      del.onclick = () => confirm('Delete ' + r[t.key] + '?') && act('DELETE', (t.post || t.path) + '/' + r[t.key]);
      td.appendChild(del);
      tr.appendChild(td);
    }
    tb.appendChild(tr);
  }
}

async function act(method, path, body) {
  $('err').textContent = '';
  try { await SB.api(method, path.replace(/\?.*$/, ''), body); await load(); } catch (e) {
    $('err').textContent = e.message + (e.field ? ' (' + e.field + ')' : '');
  }
}

$('create').addEventListener('submit', (e) => {
  e.preventDefault();
  const body = {};
  for (const [name, type, , conv] of cur.fields) {
    const v = e.target.elements[name].value;
    if (v === '') continue;
    body[name] = conv ? conv(v) : type === 'number' ? Number(v) : v;
  }
  act('POST', (cur.post || cur.path), body);
});
$('logout').onclick = SB.logout;
tabButtons();
SB.api('GET', '/me').then((me) => { $('who').textContent = me.username; open(TABS[0]); })
  .catch((e) => { $('err').textContent = e.message; });
