/* Administration: one tab per managed object. Each tab lists its objects
 * under human column names, adds them (the quick form below the table, or
 * the full form) and edits them in a form with proper controls: selects
 * for strategies, queues, agents and flows, rows for skills and members,
 * a JSON editor for IVR flows that lists the server's problems with their
 * paths. Every form says when a change applies. */
'use strict';
const $ = SB.el;
const STRATEGIES = [
  ['longest_idle', 'Longest idle agent'], ['round_robin', 'Round robin'],
  ['fewest_calls', 'Fewest calls today'], ['least_occupied', 'Least occupied'],
  ['highest_skill', 'Highest skill level'], ['ring_all', 'Ring all at once'],
  ['random', 'Random'], ['top_down', 'Top down (member order)']];
const strategyLabel = (v) => (STRATEGIES.find(([k]) => k === v) || [v, v])[1];
// Skills are {"sales": 8, ...} in the API and "sales:8 support:5" in lists.
const skillsText = (v) => v && typeof v === 'object'
  ? Object.entries(v).map(([n, l]) => n + ':' + l).join(' ') : SB.text(v);
const parseSkills = (t) => Object.fromEntries(t.trim().split(/\s+/).filter(Boolean)
  .map((p) => { const [name, level] = p.split(':'); return [name, Number(level || 1)]; }));
const yesNo = (v) => v ? 'yes' : 'no';
const APPLIES = {
  agents: 'Name, skills and levels apply to the next call offered to this agent; ' +
    'calls in progress are not affected. A new SIP password applies when the phone next registers.',
  queues: 'Applies to the next call routed through this queue; calls in progress are not affected ' +
    'and callers already waiting keep their place.',
  numbers: 'Applies to the next call to this number; calls in progress are not affected.',
  trunks: 'Applies to the next call through this trunk; calls in progress are not affected.',
  flows: 'The whole flow is checked when you save: with problems nothing changes; ' +
    'without, it applies to the next call to its numbers, callers already in the IVR finish with the version they started.',
};
const C = { agents: [], queues: [], flows: [], skills: new Set() }; // for the selects

const TABS = [
  { id: 'agents', title: 'Agents', path: '/agents', key: 'id', editable: true,
    cols: [['extension', 'Extension'], ['name', 'Name'], ['skills', 'Skills (level 1-10)', skillsText],
      ['enabled', 'Enabled', yesNo]],
    fields: [['extension', 'text', 'Extension'], ['name', 'text', 'Name'],
      ['skills', 'text', 'Skills (name:level …)', parseSkills],
      ['sip_password', 'password', 'SIP password']],
    label: (r) => r.name + ' (' + r.extension + ')' },
  { id: 'queues', title: 'Queues', path: '/queues', key: 'id', editable: true,
    cols: [['name', 'Name'], ['strategy', 'Strategy', strategyLabel], ['skill', 'Required skill'],
      ['sl_target_pct', 'Service level target', (v) => v + '%'],
      ['sl_threshold_s', 'answered within', (v) => v + ' s'], ['wrapup_s', 'Wrap-up', (v) => v + ' s'],
      ['members', 'Members', (v) => Array.isArray(v) ? v.map((m) => agentName(m.agent_id) + ' (' + m.level + ')').join(', ') : '']],
    fields: [['name', 'text', 'Name']], label: (r) => r.name },
  { id: 'numbers', title: 'Numbers', path: '/numbers', key: 'number', editable: true, addLabel: 'Add a number',
    cols: [['number', 'Number'], ['flow', 'Answered by', (v, r) => r.flow ? 'IVR flow ' + r.flow : r.queue ? 'queue ' + r.queue : '—']],
    fields: [], label: (r) => r.number },
  { id: 'trunks', title: 'Trunks', path: '/trunks', key: 'id', editable: true, addLabel: 'Add a trunk',
    cols: [['name', 'Name'], ['source_addr', 'Calls from'], ['outbound', 'Outbound calls', (v, r) => v ? 'to ' + (r.outbound_addr || '?') : 'no'],
      ['caller_id', 'Caller ID'], ['trusted', 'Trusted', yesNo],
      ['allow', 'Allowed prefixes', (v) => (v || []).join(' ') || 'none'], ['deny', 'Denied prefixes', (v) => (v || []).join(' ')]],
    fields: [], label: (r) => r.name },
  { id: 'flows', title: 'IVR flows', path: '/flows', key: 'name', editable: true, addLabel: 'New flow', nodelete: true,
    cols: [['name', 'Name'], ['numbers', 'Numbers'], ['updated_at', 'Last saved', (v) => v ? new Date(v).toLocaleString() : '']],
    fields: [], label: (r) => r.name },
  { id: 'dispositions', title: 'Disposition codes', path: '/dispositions?all=true', post: '/dispositions',
    key: 'id', cols: [['code', 'Code'], ['label', 'Label'], ['active', 'Active', yesNo]], toggle: true,
    fields: [['code', 'text', 'Code'], ['label', 'text', 'Label']] },
  { id: 'away', title: 'Away reasons', path: '/away-reasons?all=true', post: '/away-reasons',
    key: 'id', cols: [['code', 'Code'], ['label', 'Label'], ['active', 'Active', yesNo]], toggle: true,
    fields: [['code', 'text', 'Code'], ['label', 'text', 'Label']] },
  { id: 'accounts', title: 'Logins', path: '/accounts', key: 'id',
    cols: [['username', 'User name'], ['role', 'Role'], ['agent_id', 'Agent', (v) => v ? agentName(v) : '']],
    fields: [['username', 'text', 'User name'], ['password', 'password', 'Password'],
      ['role', 'text', 'Role'], ['agent_id', 'number', 'Agent']] },
  { id: 'audit', title: 'Audit log', path: '/audit', key: 'id', readonly: true,
    cols: [['at', 'When', (v) => new Date(v).toLocaleString()], ['username', 'Who'], ['action', 'What'],
      ['object', 'Object'], ['detail', 'Detail', (v) => typeof v === 'object' && v ? JSON.stringify(v) : SB.text(v)]],
    fields: [] },
];
let cur = TABS[0];

function agentName(id) {
  const a = C.agents.find((x) => x.id === id);
  return a ? a.name + ' (' + a.extension + ')' : '#' + id;
}

async function refCache() {
  const get = (p) => SB.api('GET', p).catch(() => []);
  [C.agents, C.queues, C.flows] = await Promise.all([get('/agents'), get('/queues'), get('/flows')]);
  C.skills = new Set();
  for (const a of C.agents) for (const s of Object.keys(a.skills || {})) C.skills.add(s);
  for (const q of C.queues) if (q.skill) C.skills.add(q.skill);
  $('skill-names').innerHTML = [...C.skills].sort().map((s) => '<option value="' + SB.esc(s) + '">').join('');
}

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
  $('panel-about').textContent = APPLIES[t.id] || '';
  $('err').textContent = '';
  closeEditor();
  $('thead').innerHTML = '<tr>' + t.cols.map((c) => '<th>' + SB.esc(c[1]) + '</th>').join('') +
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
  if (t.addLabel) {
    const b = document.createElement('button');
    b.type = 'button'; b.className = 'primary'; b.id = 'btn-new'; b.textContent = t.addLabel;
    b.onclick = () => openEditor(t, null);
    form.appendChild(b);
  }
  await load();
}

async function load() {
  const t = cur, tb = $('tbody');
  let rows;
  try { rows = await SB.api('GET', t.path); } catch (e) {
    if (cur !== t) return;
    tb.innerHTML = '';
    $('err').textContent = e.status === 404 ? 'This server has no ' + t.title.toLowerCase() + ' API.' : e.message;
    return;
  }
  if (cur !== t) return; /* another tab was opened meanwhile */
  tb.innerHTML = '';
  if (t.id === 'agents') C.agents = rows;
  if (t.id === 'queues') C.queues = rows;
  for (const r of rows) {
    const tr = document.createElement('tr');
    tr.dataset.key = r[t.key];
    tr.innerHTML = t.cols.map(([c, , f]) => '<td>' + SB.esc(f ? f(r[c], r) : r[c]) + '</td>').join('');
    if (!t.readonly) {
      const td = document.createElement('td');
      td.className = 'actions';
      const name = t.label ? t.label(r) : r[t.key];
      if (t.editable) {
        const b = document.createElement('button');
        b.type = 'button'; b.textContent = 'Edit';
        b.setAttribute('aria-label', 'edit ' + name);
        b.onclick = () => openEditor(t, r);
        td.appendChild(b);
      }
      if (t.toggle) {
        const b = document.createElement('button');
        b.type = 'button'; b.textContent = r.active ? 'Deactivate' : 'Activate';
        b.onclick = () => act('PATCH', (t.post || t.path) + '/' + r[t.key], { active: !r.active });
        td.appendChild(b);
      }
      if (!t.nodelete) {
        const del = document.createElement('button');
        del.type = 'button'; del.className = 'danger'; del.textContent = 'Delete';
        del.setAttribute('aria-label', 'delete ' + name);
        del.onclick = () => confirm('Delete ' + name + '?') &&
          act('DELETE', (t.post || t.path) + '/' + encodeURIComponent(r[t.key]));
        td.appendChild(del);
      }
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

/* --- The edit form ------------------------------------------------------ */

function el(tag, props, ...kids) {
  const e = document.createElement(tag);
  Object.assign(e, props || {});
  for (const k of kids) if (k !== null && k !== undefined) e.append(k);
  return e;
}
// A labelled control; hint: a short line under it.
function field(label, control, hint) {
  const l = el('label', { className: 'field' }, el('span', { className: 'flabel' }, label), control);
  if (hint) l.append(el('small', { className: 'muted' }, hint));
  return l;
}
function input(name, value, props) {
  const { list, ...rest } = props || {};
  const i = el('input', Object.assign({ name, value: value === null || value === undefined ? '' : String(value) }, rest));
  if (list) i.setAttribute('list', list); /* a read-only property */
  return i;
}
function number(name, value, min, max) {
  return input(name, value, { type: 'number', min, max, step: 1 });
}
function select(name, options, value) {
  const s = el('select', { name });
  for (const [v, l] of options) s.add(new Option(l, v, false, String(v) === String(value)));
  return s;
}
function checkbox(name, checked) { return el('input', { type: 'checkbox', name, checked: !!checked }); }

// Rows of [control…, Remove]; add() appends one. Returns the fieldset.
function rowsEditor(legend, id, makeRow, items, addText) {
  const fs = el('fieldset', { id, className: 'rows' }, el('legend', {}, legend));
  const list = el('div', { className: 'rows-list' });
  const add = (item) => {
    const row = el('div', { className: 'row rows-item' }, ...makeRow(item || {}));
    const rm = el('button', { type: 'button', textContent: 'Remove' });
    rm.setAttribute('aria-label', 'remove this ' + legend.toLowerCase().replace(/s$/, ''));
    rm.onclick = () => row.remove();
    row.append(rm);
    list.append(row);
  };
  for (const it of items) add(it);
  const b = el('button', { type: 'button', textContent: addText, className: 'rows-add' });
  b.onclick = () => add(null);
  fs.append(list, b);
  return fs;
}

const EDITORS = {
  agents: {
    build(f, r) {
      if (!r) f.append(field('Extension', input('extension', '', { required: true, pattern: '[0-9]{2,10}' })));
      else f.append(field('Extension', input('extension', r.extension, { readOnly: true }), 'the extension cannot change'));
      f.append(field('Name', input('name', r && r.name, { required: true })));
      f.append(field('SIP password', input('sip_password', '', { type: 'password', autocomplete: 'new-password', required: !r }),
        r ? 'leave empty to keep the current one' : 'the phone registers with the extension and this password'));
      if (r) f.append(field('Enabled', checkbox('enabled', r.enabled)));
      f.append(rowsEditor('Skills', 'skills-rows', (s) => [
        field('Skill', input('skill', s.name, { required: true, pattern: '[a-z0-9_\\-]{1,40}', list: 'skill-names' })),
        field('Level (1-10)', number('level', s.level || 5, 1, 10))],
      Object.entries((r && r.skills) || {}).map(([name, level]) => ({ name, level })), 'Add a skill'));
    },
    body(f, r) {
      const b = { name: f.elements.name.value.trim() };
      if (!r) b.extension = f.elements.extension.value.trim();
      if (f.elements.sip_password.value) b.sip_password = f.elements.sip_password.value;
      if (r) b.enabled = f.elements.enabled.checked;
      b.skills = {};
      for (const row of f.querySelectorAll('#skills-rows .rows-item'))
        b.skills[row.querySelector('[name=skill]').value.trim()] = Number(row.querySelector('[name=level]').value);
      return b;
    },
  },
  queues: {
    build(f, r) {
      r = r || {};
      if (!r.id) f.append(field('Name', input('name', '', { required: true, pattern: '[a-z0-9_\\-]{1,40}' }), 'a-z, 0-9, - and _'));
      f.append(field('Routing strategy', select('strategy', STRATEGIES, r.strategy || 'longest_idle')));
      f.append(field('Service level target (%)', number('sl_target_pct', r.sl_target_pct !== undefined ? r.sl_target_pct : 80, 0, 100)));
      f.append(field('answered within (seconds)', number('sl_threshold_s', r.sl_threshold_s !== undefined ? r.sl_threshold_s : 20, 0, 86400)));
      f.append(field('Longest wait (seconds)', number('max_wait_s', r.max_wait_s || 0, 0, 86400), '0: no limit; then the call overflows'));
      f.append(field('Most callers waiting', number('max_len', r.max_len || 0, 0, 86400), '0: no limit'));
      const others = C.queues.filter((q) => q.name !== r.name).map((q) => [q.name, q.name]);
      f.append(field('Overflow to queue', select('overflow_queue', [['', '(none)'], ...others], r.overflow_queue || ''),
        'where callers go past the longest wait or when the queue is full'));
      f.append(field('Wrap-up time (seconds)', number('wrapup_s', r.wrapup_s !== undefined ? r.wrapup_s : 30, 0, 86400)));
      f.append(field('Ring an agent for (seconds)', number('ring_timeout_s', r.ring_timeout_s !== undefined ? r.ring_timeout_s : 20, 0, 86400),
        'then the next agent is tried'));
      f.append(field('Required skill', input('skill', r.skill, { pattern: '[a-z0-9_\\-]{1,40}', list: 'skill-names' }), 'empty: any member'));
      f.append(field('at level at least', number('min_level', r.min_level || 1, 1, 10)));
      const agents = C.agents.map((a) => [a.id, a.name + ' (' + a.extension + ')']);
      f.append(rowsEditor('Members', 'members-rows', (m) => [
        field('Agent', select('agent_id', agents, m.agent_id)),
        field('Level (1-10)', number('level', m.level || 5, 1, 10))], r.members || [], 'Add a member'));
    },
    body(f, r) {
      const e = f.elements, b = {};
      if (!r) b.name = e.name.value.trim();
      b.strategy = e.strategy.value;
      for (const k of ['sl_target_pct', 'sl_threshold_s', 'max_wait_s', 'max_len', 'wrapup_s', 'ring_timeout_s', 'min_level'])
        if (e[k].value !== '') b[k] = Number(e[k].value);
      // empty: none (null clears what a queue had)
      if (e.overflow_queue.value || (r && r.overflow_queue)) b.overflow_queue = e.overflow_queue.value || null;
      if (e.skill.value.trim() || (r && r.skill)) b.skill = e.skill.value.trim() || null;
      b.members = [...f.querySelectorAll('#members-rows .rows-item')].map((row) => ({
        agent_id: Number(row.querySelector('[name=agent_id]').value),
        level: Number(row.querySelector('[name=level]').value) }));
      const seen = new Set();
      for (const m of b.members) {
        if (seen.has(m.agent_id))
          throw Object.assign(new Error(agentName(m.agent_id) + ' is listed twice'), { field: 'members' });
        seen.add(m.agent_id);
      }
      return b;
    },
  },
  numbers: {
    build(f, r) {
      f.append(field('Number', input('number', r && r.number, { required: !r, readOnly: !!r, pattern: '\\+?[0-9]{2,20}' }),
        r ? 'the number cannot change: delete it and add it again' : 'the dialled number, as the trunk sends it'));
      const kind = r && r.queue ? 'queue' : 'flow';
      f.append(field('Answered by', select('kind', [['flow', 'an IVR flow'], ['queue', 'a queue directly']], kind)));
      f.append(field('IVR flow', select('flow', C.flows.map((x) => [x.name, x.name]), r && r.flow)));
      f.append(field('Queue', select('queue', C.queues.map((q) => [q.name, q.name]), r && r.queue)));
      const sync = () => {
        const q = f.elements.kind.value === 'queue';
        f.elements.flow.closest('label').classList.toggle('hidden', q);
        f.elements.queue.closest('label').classList.toggle('hidden', !q);
      };
      f.elements.kind.onchange = sync;
      sync();
    },
    body(f, r) {
      const e = f.elements, b = {};
      if (!r) b.number = e.number.value.trim();
      if (e.kind.value === 'queue') b.queue = e.queue.value; else b.flow = e.flow.value;
      return b;
    },
  },
  trunks: {
    build(f, r) {
      r = r || {};
      f.append(field('Name', input('name', r.name, { required: true })));
      f.append(field('Calls come from (address)', input('source_addr', r.source_addr, { placeholder: '203.0.113.5 or 203.0.113.5:5060' }),
        'inbound calls from this address are the trunk\'s'));
      f.append(field('User name', input('username', r.username), 'or: the trunk authenticates with this user name'));
      f.append(field('Password', input('password', '', { type: 'password', autocomplete: 'new-password' }),
        r.has_password ? 'a password is set; leave empty to keep it' : 'none set'));
      f.append(field('Outbound calls through this trunk', checkbox('outbound', r.outbound)));
      f.append(field('Send them to (address)', input('outbound_addr', r.outbound_addr, { placeholder: 'sip.provider.example:5060' })));
      f.append(field('Caller ID shown', input('caller_id', r.caller_id)));
      f.append(field('Trusted', checkbox('trusted', r.trusted),
        'the caller\'s number it asserts (P-Asserted-Identity) is believed: callbacks may go to it'));
      f.append(field('Allowed prefixes', el('textarea', { name: 'allow', rows: 2, value: (r.allow || []).join('\n') }),
        'one per line, e.g. +33 or 0033; international and premium-rate numbers are refused unless allowed here'));
      f.append(field('Denied prefixes', el('textarea', { name: 'deny', rows: 2, value: (r.deny || []).join('\n') }),
        'one per line; the longest matching prefix decides, a deny wins over an allow of the same length'));
    },
    body(f, r) {
      const e = f.elements, lines = (t) => t.split(/[\s,]+/).filter(Boolean);
      const b = { name: e.name.value.trim(), outbound: e.outbound.checked, trusted: e.trusted.checked,
        allow: lines(e.allow.value), deny: lines(e.deny.value) };
      // text fields: empty clears them on a change (null), is left out on
      // a new trunk
      for (const k of ['source_addr', 'username', 'outbound_addr', 'caller_id']) {
        const v = e[k].value.trim();
        if (v) b[k] = v; else if (r) b[k] = null;
      }
      if (e.password.value) b.password = e.password.value;
      return b;
    },
  },
  flows: {
    async build(f, r) {
      let def = { start: 'welcome', nodes: { welcome: { type: 'queue', queue: (C.queues[0] || {}).name || 'support' } } };
      if (r) {
        const d = await SB.api('GET', '/flows/' + encodeURIComponent(r.name));
        def = d.definition;
        $('edit-status').textContent = 'version ' + d.version;
      } else f.append(field('Name', input('name', '', { required: true, pattern: '[A-Za-z0-9._\\-]{1,63}' })));
      const ta = el('textarea', { name: 'definition', rows: 24, spellcheck: false, className: 'json',
        value: JSON.stringify(def, null, 2) });
      f.append(field('Definition (JSON)', ta, 'nodes, prompts, menus, queues: see the README\'s IVR section'));
    },
    body(f) {
      try { return { definition: JSON.parse(f.elements.definition.value) }; } catch (e) {
        throw Object.assign(new Error('not valid JSON: ' + e.message), { field: 'definition' });
      }
    },
    method: () => 'PUT',
    path: (f, r) => '/flows/' + encodeURIComponent(r ? r.name : f.elements.name.value.trim()),
  },
};

function closeEditor() {
  $('editor').classList.add('hidden');
  $('edit').innerHTML = '';
}

async function openEditor(t, r) {
  const ed = EDITORS[t.id], f = $('edit');
  $('edit-err').textContent = ''; $('edit-status').textContent = ''; $('edit-problems').innerHTML = '';
  f.innerHTML = '';
  $('edit-h').textContent = r ? 'Edit ' + t.title.replace(/s$/, '').toLowerCase() + ' ' + t.label(r)
    : t.addLabel || 'New ' + t.title.replace(/s$/, '').toLowerCase();
  $('edit-applies').textContent = APPLIES[t.id] || '';
  $('editor').classList.remove('hidden');
  try {
    await refCache();
    await ed.build(f, r);
  } catch (e) { $('edit-err').textContent = e.message; return; }
  const save = el('button', { type: 'submit', className: 'primary', textContent: r ? 'Save' : 'Add' });
  const cancel = el('button', { type: 'button', textContent: 'Cancel' });
  cancel.onclick = closeEditor;
  f.append(el('div', { className: 'row' }, save, cancel));
  f.onsubmit = async (e) => {
    e.preventDefault();
    $('edit-err').textContent = ''; $('edit-problems').innerHTML = '';
    try {
      const body = ed.body(f, r);
      const method = ed.method ? ed.method() : r ? 'PATCH' : 'POST';
      const path = ed.path ? ed.path(f, r) : t.path.replace(/\?.*$/, '') + (r ? '/' + encodeURIComponent(r[t.key]) : '');
      await SB.api(method, path, body);
      closeEditor();
      $('err').textContent = '';
      await load();
      $('panel-about').textContent = 'Saved. ' + (APPLIES[t.id] || '');
    } catch (err) {
      $('edit-err').textContent = err.message + (err.field ? ' (' + err.field + ')' : '');
      for (const p of (err.data && err.data.problems) || []) {
        $('edit-problems').append(el('li', {}, el('code', {}, p.path), ' ' + p.message));
      }
    }
  };
  const first = f.querySelector('input:not([readonly]), select, textarea');
  if (first) first.focus();
}

$('logout').onclick = SB.logout;
tabButtons();
SB.api('GET', '/me').then((me) => {
  $('who').textContent = me.username;
  open(TABS.find((t) => '#' + t.id === location.hash) || TABS[0]);
  // agents' names for the queues' members and the logins
  refCache().then(() => { if (cur.id === 'queues' || cur.id === 'accounts') load(); });
}).catch((e) => { $('err').textContent = e.message; });
