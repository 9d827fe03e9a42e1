/* Agent desktop: state, the phone's registration, the incoming card, the
 * call bar pinned at the top while in contact (caller, queue, talk time,
 * hang up, hold, mute, transfer, consult), the call with notes that save
 * themselves (to the server every few seconds and to localStorage at once,
 * so a closed tab loses nothing), wrap-up with disposition, today's list. */
'use strict';
const A = { me: null, state: 'logged_out', since: Date.now(), iid: null,
  dirty: false, wrapEnd: 0, talkFrom: 0, offerAt: 0, offerWait: 0, ivrSecs: 0,
  muted: false, held: false, reasons: {} };
const $ = SB.el;


function setState(s, reason, sinceMs) {
  A.state = s;
  A.since = sinceMs || Date.now();
  const el = $('state');
  el.className = 'state-' + s;
  el.textContent = SB.stateWord(s) +
    (reason ? ': ' + (A.reasons[reason] || reason) : '');
}

// The phone: its registrations as the server's registrar knows them.
function setPhone(devices) {
  if (!Array.isArray(devices)) return;
  const el = $('phone');
  el.classList.toggle('phone-ok', devices.length > 0);
  el.classList.toggle('phone-off', !devices.length);
  el.textContent = devices.length ? 'Phone registered' + (devices.length > 1 ? ' (' + devices.length + ')' : '')
    : 'Phone not registered';
  el.title = devices.length ? devices.map((d) => d.uri).join('\n')
    : 'No phone is registered for your extension: calls cannot reach you';
}

// One step of the IVR path in words: the node and what the caller did.
function ivrStep(st) {
  if (typeof st === 'string') return st;
  if (!st || typeof st !== 'object') return SB.text(st);
  let t = SB.text(st.node || '?');
  if (st.digit !== undefined) t += ' (pressed ' + st.digit + ')';
  else if (st.input !== undefined) t += ' (entered ' + st.input + ')';
  else if (st.no_input) t += ' (no input)';
  else if (st.found !== undefined) t += st.found ? ' (found)' : ' (not found)';
  if (st.queue && st.queue !== st.node) t += ' → ' + st.queue;
  return t;
}
function ivrText(path) {
  if (!Array.isArray(path) || !path.length) return 'none';
  return path.map(ivrStep).join(' › ');
}

// The call bar: shown from the answer until the call ends.
function showBar(d) {
  $('callbar').classList.remove('hidden');
  document.body.classList.add('in-call');
  if (d) {
    $('bar-caller').textContent = d.caller || d.from || 'unknown caller';
    if (d.queue) $('bar-queue').textContent = d.queue;
  }
}
function barCustomer(c) {
  $('bar-name').textContent = c && c.name ? c.name + (c.company ? ', ' + c.company : '') : '';
}
function setHeld(h) {
  A.held = h;
  $('btn-hold').classList.toggle('hidden', h);
  $('btn-resume').classList.toggle('hidden', !h);
  barStatus();
}
function setMuted(m) {
  A.muted = !!m;
  const b = $('btn-mute');
  b.setAttribute('aria-pressed', String(A.muted));
  b.textContent = A.muted ? 'Unmute' : 'Mute';
  b.classList.toggle('primary', A.muted);
  barStatus();
}
function barStatus() {
  $('bar-status').textContent = (A.held ? 'on hold' : 'talking') + (A.muted ? ' · muted' : '');
}
function hideBar() {
  $('callbar').classList.add('hidden');
  document.body.classList.remove('in-call');
  A.talkFrom = 0;
  setMuted(false);
}

async function changeState(state) {
  $('state-err').textContent = '';
  const body = { state };
  if (state === 'away') body.reason = $('away-reason').value;
  try {
    const r = await SB.api('POST', '/agents/' + A.me.agent_id + '/state', body);
    setState(r.state, r.reason, r.since);
  } catch (e) { $('state-err').textContent = e.message; }
}

function notesKey(iid) { return 'sb_notes_' + iid; }

async function saveNotes() {
  if (!A.iid || !A.dirty) return;
  const text = $('notes').value;
  A.dirty = false;
  try {
    await SB.api('PUT', '/interactions/' + A.iid + '/notes', { notes: text });
    $('notes-status').textContent = 'saved ' + new Date().toLocaleTimeString();
  } catch (e) {
    A.dirty = true;
    $('notes-status').textContent = 'not saved yet: ' + e.message;
  }
}

async function showInteraction(iid) {
  A.iid = iid;
  localStorage.setItem('sb_current', String(iid));
  $('call').classList.remove('hidden');
  $('call-id').textContent = '#' + iid;
  let d = null;
  try { d = await SB.api('GET', '/interactions/' + iid); } catch (e) { /* shown below */ }
  A.lastContact = !!(d && d.previous && d.previous.length);
  const local = localStorage.getItem(notesKey(iid));
  $('notes').value = local !== null ? local : (d && d.notes) || '';
  if (local !== null && d && local !== d.notes) { A.dirty = true; saveNotes(); }
  crmShow(d && d.customer_id);
  if (d && d.state !== 'ended' && A.state !== 'wrapup' && !$('callbar').classList.contains('hidden')) {
    if (!$('bar-caller').textContent) $('bar-caller').textContent = d.caller || '';
    if (!$('bar-queue').textContent) $('bar-queue').textContent = d.queue || '';
    if (!A.talkFrom && d.answered_at) A.talkFrom = d.answered_at;
  }
  // IVR: a voicemail task plays its message here (the session cookie
  // authenticates the audio's request).
  const vm = $('call-voicemail');
  const isVm = !!(d && d.channel === 'voicemail');
  vm.classList.toggle('hidden', !isVm);
  if (isVm) vm.src = '/api/v1/interactions/' + iid + '/recording';
  else vm.removeAttribute('src');
  const tb = $('history');
  tb.innerHTML = '';
  for (const h of (d && d.previous) || []) {
    const tr = document.createElement('tr');
    tr.innerHTML = '<td>' + SB.esc(new Date(h.started_at).toLocaleString()) + '</td><td>' +
      SB.esc(h.queue) + '</td><td>' + SB.esc(h.agent_id) + '</td><td>' + SB.esc(h.disposition) + '</td>';
    tb.appendChild(tr);
  }
  return d;
}

function showCard(d) {
  $('card').classList.remove('hidden');
  $('card-caller').textContent = d.caller || d.from || 'unknown caller';
  $('card-vip').classList.toggle('hidden', !d.vip);
  $('card-customer').textContent = d.customer ? (d.customer.name || '') : '';
  crmCard(d);
  $('card-queue').textContent = d.queue || '';
  // The caller's wait in the queue keeps counting while the phone rings
  // (the server's figure at the offer, then this clock).
  A.offerAt = Date.now();
  A.offerWait = d.waited_s || 0;
  // Time in the IVR before the queue: the last step's offset (ms).
  const ms = d.ivr && Array.isArray(d.ivr.ms) ? d.ivr.ms : [];
  A.ivrSecs = ms.length ? ms[ms.length - 1] / 1000 : 0;
  cardWait();
  $('card-ivr').textContent = ivrText(d.ivr_path);
  $('btn-accept').classList.toggle('hidden', !d.can_accept);
  $('btn-reject').classList.toggle('hidden', !d.can_reject);
  $('btn-accept').disabled = $('btn-reject').disabled = false;
  $('card-status').textContent = 'ringing';
  A.offered = d.interaction_id || d.id;
}

function cardWait() {
  const add = (Date.now() - A.offerAt) / 1000;
  $('card-wait').textContent = SB.dur(A.offerWait + add);
  $('card-call-age').textContent = A.ivrSecs >= 1 ? '(after ' + SB.dur(A.ivrSecs) + ' in the IVR)' : '';
}

function startWrap(secs) {
  $('wrapup').classList.remove('hidden');
  A.wrapEnd = secs ? Date.now() + secs * 1000 : 0;
}

function endContact() {
  $('card').classList.add('hidden');
  setHeld(false);
  hideBar();
}

async function loadToday() {
  const start = new Date(); start.setHours(0, 0, 0, 0);
  try {
    const rows = await SB.api('GET', '/interactions?agent=' + A.me.agent_id +
      '&from=' + start.getTime());
    const tb = $('today');
    tb.innerHTML = '';
    for (const r of rows) {
      const tr = document.createElement('tr');
      tr.innerHTML = '<td>' + SB.esc(new Date(r.started_at).toLocaleTimeString()) + '</td><td>' +
        SB.esc(r.caller) + '</td><td>' + SB.esc(r.queue) + '</td><td>' + SB.esc(SB.dur(r.talk_s || 0)) +
        '</td><td>' + SB.esc(r.disposition) + '</td>';
      tb.appendChild(tr);
    }
  } catch (e) { /* the list is a convenience */ }
}

function onEvent(ev) {
  const d = ev.data || {};
  const iid = d.interaction_id || d.id;
  if (typeof KB !== 'undefined') KB.onEvent(ev); /* knowledge base: web/kb.js */
  switch (ev.type) {
  case 'resync': loadState(); break;
  case 'agent.state':
    if (d.agent === A.me.agent_id || ev.agent === A.me.agent_id) {
      setState(d.state, d.reason, d.since);
      setPhone(d.devices);
    }
    break;
  case 'interaction.offered': showCard(d); break;
  case 'interaction.answered':
    $('card-status').textContent = 'answered';
    $('card').classList.add('hidden');
    $('consult-in').classList.add('hidden');
    A.talkFrom = Date.now();
    setHeld(false);
    setMuted(!!d.muted);
    showBar(d);
    if (d.customer) barCustomer(d.customer);
    showInteraction(iid);
    break;
  case 'interaction.held': setHeld(true); break;
  case 'interaction.resumed': setHeld(false); break;
  case 'interaction.muted': if (iid === A.iid) setMuted(d.muted); break;
  case 'interaction.ended': case 'interaction.transferred': case 'interaction.abandoned':
    endContact();
    if (iid && iid === A.iid) saveNotes();
    if (ev.type !== 'interaction.abandoned' && iid === A.iid) startWrap(d.wrapup_s);
    break;
  case 'interaction.missed': case 'interaction.requeued':
    if (iid === A.offered) $('card').classList.add('hidden');
    break;
  case 'interaction.consult': showConsult(d); break;
  case 'wrapup.started': startWrap(d.seconds || d.wrapup_s); break;
  case 'wrapup.finished':
    $('wrapup').classList.add('hidden'); $('call').classList.add('hidden');
    if (A.iid) localStorage.removeItem(notesKey(A.iid));
    localStorage.removeItem('sb_current'); A.iid = null; loadToday(); crmUnfinished();
    break;
  }
}

async function loadState() {
  try {
    const s = await SB.api('GET', '/agents/' + A.me.agent_id + '/state');
    setState(s.state, s.reason, s.since);
    setPhone(s.devices);
    $('auto-answer').checked = !!s.auto_answer;
    const c = s.call;
    if (c && (c.state === 'talking' || c.state === 'held')) {
      showBar(c);
      setHeld(c.state === 'held');
      setMuted(!!c.muted);
      if (c.customer) barCustomer(c.customer);
    }
    if (s.interaction_id) await showInteraction(s.interaction_id);
    if (s.state === 'wrapup') startWrap(s.wrapup_left_s);
  } catch (e) { $('state-err').textContent = e.message; }
}

async function init() {
  A.me = await SB.api('GET', '/me');
  $('who').textContent = A.me.username;
  const [reasons, dispositions] = await Promise.all([SB.api('GET', '/away-reasons'),
    SB.api('GET', '/dispositions')]);
  for (const r of reasons) { $('away-reason').add(new Option(r.label, r.code)); A.reasons[r.code] = r.label; }
  for (const r of dispositions) $('disposition').add(new Option(r.label, r.code));
  const cur = localStorage.getItem('sb_current');
  if (cur) await showInteraction(Number(cur));
  await loadState();
  loadToday();
  crmUnfinished();
  SB.events(onEvent, (up) => { $('conn').textContent = up ? 'live' : 'reconnecting…'; });
}

$('btn-available').onclick = () => changeState('available');
$('btn-away').onclick = () => changeState('away');
$('btn-logout-state').onclick = () => changeState('logged_out');
$('logout').onclick = SB.logout;
$('notes').addEventListener('input', () => {
  if (A.iid) localStorage.setItem(notesKey(A.iid), $('notes').value);
  A.dirty = true;
  $('notes-status').textContent = 'saving…';
});
// The call bar's buttons: errors show in the bar (no alert boxes).
function barAct(path, body, then) {
  $('bar-err').textContent = '';
  if (!A.iid) return;
  SB.api('POST', '/interactions/' + A.iid + path, body).then(then || (() => {}))
    .catch((e) => { $('bar-err').textContent = e.message; });
}
$('btn-hold').onclick = () => barAct('/hold');
$('btn-resume').onclick = () => barAct('/resume');
$('btn-hangup').onclick = () => barAct('/hangup');
$('btn-mute').onclick = () => barAct('/mute', { muted: !A.muted }, (r) => setMuted(r.muted));
// Attended transfer: the transferring agent's controls and the consulted
// agent's notice, from the interaction.consult events.
function showConsult(d) {
  const mine = d.agent === A.me.agent_id;
  const live = d.phase === 'ringing' || d.phase === 'talking';
  if (mine) {
    $('consult-status').classList.toggle('hidden', !live);
    $('consult-status').textContent = d.phase === 'ringing' ? 'ringing ' + d.target + '…'
      : 'talking to ' + d.target + ' (caller on hold)';
    $('btn-consult-complete').classList.toggle('hidden', d.phase !== 'talking');
    $('btn-consult-cancel').classList.toggle('hidden', !live);
    $('btn-consult').disabled = live;
  } else {
    $('consult-in').classList.toggle('hidden', !live);
    $('consult-in-text').textContent = (d.from || 'an agent') + ' consults you about ' +
      (d.caller || 'a caller') + (d.phase === 'ringing' ? ': answer your phone' : '');
  }
}
$('btn-consult').onclick = () => {
  const t = $('consult-target').value.trim();
  if (!A.iid || !t) return;
  const body = /^[0-9]+$/.test(t) ? { agent: t } : { queue: t };
  barAct('/consult', body);
};
$('btn-consult-complete').onclick = () => barAct('/transfer/complete');
$('btn-consult-cancel').onclick = () => barAct('/transfer/cancel');

// Accept: the phone is rung again asking it to answer by itself; Reject:
// the next agent gets the call at once.
function offerButton(op) {
  if (!A.offered) return;
  $('btn-accept').disabled = $('btn-reject').disabled = true;
  $('card-status').textContent = op === 'accept' ? 'answering on your phone…' : 'rejected';
  SB.api('POST', '/interactions/' + A.offered + '/' + op).then(() => {
    if (op === 'reject') $('card').classList.add('hidden');
  }).catch((e) => {
    $('btn-accept').disabled = $('btn-reject').disabled = false;
    $('card-status').textContent = e.message;
  });
}
$('btn-accept').onclick = () => offerButton('accept');
$('btn-reject').onclick = () => offerButton('reject');
$('auto-answer').onchange = () => SB.api('POST', '/agents/' + A.me.agent_id + '/auto-answer',
  { enabled: $('auto-answer').checked }).catch((e) => { $('state-err').textContent = e.message; });
$('btn-xfer').onclick = () => {
  const t = $('xfer-target').value.trim();
  if (t) barAct('/transfer', { target: t });
};
$('btn-wrap').onclick = async () => {
  $('wrap-err').textContent = '';
  if (!A.iid) return;
  await saveNotes();
  try {
    await SB.api('POST', '/interactions/' + A.iid + '/wrapup',
      { disposition: $('disposition').value, notes: $('notes').value });
    onEvent({ type: 'wrapup.finished', data: { interaction_id: A.iid } });
  } catch (e) { $('wrap-err').textContent = e.message; }
};
setInterval(saveNotes, 3000);
// The phone's registration can change without a change of state (a second
// phone, an expiry while away): asked again every 15 s.
setInterval(() => {
  if (A.me) SB.api('GET', '/agents/' + A.me.agent_id + '/state').then((s) => setPhone(s.devices)).catch(() => {});
}, 15000);
setInterval(() => {
  $('state-time').textContent = SB.dur((Date.now() - A.since) / 1000);
  if (A.talkFrom) $('bar-timer').textContent = SB.dur((Date.now() - A.talkFrom) / 1000);
  if (!$('card').classList.contains('hidden') && A.offerAt) cardWait();
  if (A.wrapEnd) $('wrap-left').textContent = SB.dur((A.wrapEnd - Date.now()) / 1000) + ' left';
}, 1000);
window.addEventListener('beforeunload', () => { if (A.dirty) saveNotes(); });
init().catch((e) => { $('state-err').textContent = e.message; });

/* --- Customers (crm): the pop's customer, the customer panel, search as
 * the agent types, interrupted contacts to finish. --- */
function crmLast(l) {
  if (!l) return 'First contact';
  return 'Last contact ' + new Date(l.at).toLocaleString() + ' · ' + (l.channel || '') +
    (l.queue ? ' · ' + l.queue : '') + (l.disposition ? ' · ' + l.disposition : '') +
    (l.outcome ? ' (' + l.outcome + ')' : '');
}

function crmCard(d) {
  const c = d.customer;
  $('card-vip').classList.toggle('hidden', !(d.vip || (c && c.tier === 'VIP')));
  // "new caller" only for someone who never called before; a known
  // number without a name yet says so.
  $('card-customer').textContent = c ? (c.name || (c.last_interaction ? 'name not known yet' : 'new caller')) +
    (c.company ? ', ' + c.company : '') : '';
  barCustomer(c);
  $('card-last').textContent = c ? crmLast(c.last_interaction) : '';
  const ul = $('card-matches');
  ul.innerHTML = '';
  ul.classList.toggle('hidden', !d.customer_matches);
  for (const m of d.customer_matches || []) {
    const li = document.createElement('li');
    li.innerHTML = '<button type="button">' + SB.esc(m.name || '#' + m.id) + '</button> ' +
      (m.tier === 'VIP' ? '<span class="badge vip">VIP</span> ' : '') + SB.esc(crmLast(m.last_interaction));
    li.querySelector('button').onclick = () => crmChoose(d.interaction_id || d.id, m.id);
    ul.appendChild(li);
  }
}

async function crmChoose(iid, cid) {
  try {
    await SB.api('PUT', '/interactions/' + iid + '/customer', { customer_id: cid });
    $('card-matches').classList.add('hidden');
    if (A.iid === iid) crmShow(cid);
  } catch (e) { $('card-status').textContent = e.message; }
}

async function crmShow(cid) {
  A.customer = null;
  $('cust').classList.toggle('hidden', !cid);
  if (!cid) return;
  let c;
  try { c = await SB.api('GET', '/customers/' + cid); } catch (e) { return; }
  A.customer = c;
  $('cust-link').href = '/customer.html?id=' + c.id;
  $('cust-name').textContent = c.name || '';
  $('cust-vip').classList.toggle('hidden', c.tier !== 'VIP');
  $('cust-prov').classList.toggle('hidden', !c.provisional);
  $('cust-prov').textContent = A.lastContact ? 'details not confirmed' : 'new caller';
  barCustomer(c);
  $('cust-info').textContent = [c.company, c.language, c.time_zone,
    ...(c.identities || []).map((i) => i.value), (c.tags || []).join(', ')].filter(Boolean).join(' · ');
  $('cust-in-name').value = c.name || '';
  $('cust-in-company').value = c.company || '';
  crmCases(cid);
}

async function crmCases(cid) {
  let rows = [];
  try { rows = await SB.api('GET', '/cases?customer=' + cid); } catch (e) { return; }
  const ul = $('cust-cases');
  ul.innerHTML = '';
  for (const k of rows) {
    const li = document.createElement('li');
    li.dataset.case = k.id;
    li.innerHTML = '#' + SB.esc(k.id) + ' ' + SB.esc(k.subject) + ' <span class="badge case-status">' +
      SB.esc(k.status.replace('_', ' ')) + '</span> <span class="muted">' + SB.esc(k.priority) + '</span>' +
      (A.iid ? ' <button type="button">Link this contact</button>' : '');
    const b = li.querySelector('button');
    if (b) b.onclick = async () => {
      try {
        await SB.api('POST', '/cases/' + k.id + '/interactions', { interaction_id: A.iid });
      } catch (e) { $('cust-status').textContent = e.message; }
      crmCases(cid);
    };
    ul.appendChild(li);
  }
}

$('btn-case-new').onclick = async () => {
  const subject = $('case-subject').value.trim();
  if (!A.customer || !subject) return;
  try {
    await SB.api('POST', '/cases', { subject, customer_id: A.customer.id,
      ...(A.iid ? { interaction_id: A.iid } : {}) });
    $('case-subject').value = '';
    crmCases(A.customer.id);
  } catch (e) { $('cust-status').textContent = e.message; }
};

$('btn-cust-save').onclick = async () => {
  if (!A.customer) return;
  try {
    await SB.api('PATCH', '/customers/' + A.customer.id, { name: $('cust-in-name').value,
      company: $('cust-in-company').value, provisional: false });
    $('cust-status').textContent = 'saved';
    crmShow(A.customer.id);
  } catch (e) { $('cust-status').textContent = e.message; }
};

let crmTimer = null;
$('cust-q').addEventListener('input', () => {
  clearTimeout(crmTimer);
  crmTimer = setTimeout(async () => {
    const q = $('cust-q').value.trim();
    const ul = $('cust-results');
    if (q.length < 2) { ul.innerHTML = ''; return; }
    try {
      const r = await SB.api('GET', '/search?q=' + encodeURIComponent(q));
      if ($('cust-q').value.trim() !== q) return; /* typed on */
      ul.innerHTML = '';
      for (const c of r.customers) {
        const li = document.createElement('li');
        li.innerHTML = SB.esc(c.name || '(no name)') + (c.tier === 'VIP' ? ' <span class="badge vip">VIP</span>' : '') +
          ' <span class="muted">' + SB.esc([c.company, c.phone, c.email].filter(Boolean).join(' · ')) + '</span>' +
          (A.iid ? ' <button type="button">This is the caller</button>' : '');
        const b = li.querySelector('button');
        if (b) b.onclick = () => crmChoose(A.iid, c.id);
        ul.appendChild(li);
      }
      for (const k of r.cases) {
        const li = document.createElement('li');
        li.textContent = 'Case #' + k.id + ': ' + k.subject + ' (' + k.status + ')' +
          (k.customer_name ? ' · ' + k.customer_name : '');
        ul.appendChild(li);
      }
    } catch (e) { /* search is a convenience */ }
  }, 200);
});

async function crmUnfinished() {
  let rows = [];
  try { rows = await SB.api('GET', '/me/unfinished'); } catch (e) { return; }
  $('unfinished-s').classList.toggle('hidden', !rows.length);
  const ul = $('unfinished');
  ul.innerHTML = '';
  for (const r of rows) {
    const li = document.createElement('li');
    li.innerHTML = '<button type="button">Finish #' + SB.esc(r.interaction_id) + '</button> ' +
      SB.esc(new Date(r.started_at).toLocaleString()) + ' · ' + SB.esc(r.customer_name || r.caller) +
      ' <span class="muted">' + SB.esc((r.notes || '').slice(0, 80)) + '</span>';
    li.querySelector('button').onclick = async () => {
      await showInteraction(r.interaction_id);
      startWrap(0);
    };
    ul.appendChild(li);
  }
}
