/* Supervisor wallboard: queue tiles and the agent grid from the figures
 * the server sends every second; the interval chart from
 * /stats/intervals; changing an agent's state. */
'use strict';
const $ = SB.el;
const W = { stats: null };
const AMBER = { wait: 30, sl: 0.8 }, RED = { wait: 60, sl: 0.6 };
const pct = (v) => (v === null || v === undefined) ? '—' : Math.round(v * 100) + '%';

function tileClass(q) {
  const sl = q.service_level;
  if (q.longest_wait_s >= RED.wait || (sl !== null && sl !== undefined && sl < RED.sl)) return 'red';
  if (q.longest_wait_s >= AMBER.wait || (sl !== null && sl !== undefined && sl < AMBER.sl)) return 'amber';
  return '';
}

function render(s) {
  W.stats = s;
  $('updated').textContent = 'at ' + new Date(s.at).toLocaleTimeString();
  const tiles = $('tiles');
  tiles.innerHTML = '';
  for (const q of s.queues || []) {
    const a = q.agents || {};
    const d = document.createElement('div');
    d.className = 'card tile ' + tileClass(q);
    d.dataset.queue = q.name;
    d.innerHTML = '<h2>' + SB.esc(q.name) + '</h2>' +
      '<div><span class="big">' + SB.esc(q.waiting || 0) + '</span> waiting, longest ' +
      SB.esc(SB.dur(q.longest_wait_s || 0)) + '</div>' +
      '<div>Service level today <strong class="sl">' + pct(q.service_level) + '</strong>, this interval ' +
      pct(q.service_level_interval) + '</div>' +
      '<div>Answered <strong class="answered">' + SB.esc(q.answered || 0) + '</strong> of ' +
      SB.esc(q.offered || 0) + ', ASA ' + SB.esc(SB.dur(q.asa_s || 0)) + ', abandoned ' + pct(q.abandon_rate) + '</div>' +
      '<div class="muted">Agents: ' + SB.esc(a.available || 0) + ' available, ' + SB.esc(a.busy || 0) +
      ' busy, ' + SB.esc(a.wrapup || 0) + ' wrap-up, ' + SB.esc(a.away || 0) + ' away</div>';
    tiles.appendChild(d);
  }
  const tb = $('agents');
  const focused = document.activeElement && document.activeElement.dataset.agent;
  tb.innerHTML = '';
  for (const a of s.agents || []) {
    const tr = document.createElement('tr');
    const call = a.call ? (SB.esc(a.call.caller) + ' · ' + SB.esc(a.call.queue)) : '';
    tr.innerHTML = '<td>' + SB.esc(a.name || a.id) + '</td><td class="state-' + SB.esc(a.state) + '">' +
      SB.esc(SB.stateWord(a.state)) + (a.reason ? ': ' + SB.esc(a.reason) : '') + '</td><td>' +
      SB.esc(SB.dur((s.at - (a.since || s.at)) / 1000)) + '</td><td>' + call + '</td><td></td>';
    const sel = document.createElement('select');
    sel.dataset.agent = a.id;
    sel.setAttribute('aria-label', 'change state of agent ' + a.id);
    for (const o of ['', 'available', 'away', 'logged_out']) sel.add(new Option(o ? SB.stateWord(o) : 'set…', o));
    sel.onchange = () => setAgent(a.id, sel.value);
    tr.lastChild.appendChild(sel);
    tb.appendChild(tr);
    if (String(focused) === String(a.id)) sel.focus();
  }
}

async function setAgent(id, state) {
  if (!state) return;
  $('agent-err').textContent = '';
  const body = { state };
  if (state === 'away') body.reason = 'admin';
  try { await SB.api('POST', '/agents/' + id + '/state', body); } catch (e) { $('agent-err').textContent = e.message; }
}

// The interval chart: the day's 15-minute intervals up to now (at least
// the last six hours), bars for calls offered, a line for the service
// level; axes and a word when there is nothing yet, never a blank box.
const IV_MS = 15 * 60 * 1000;
async function chart() {
  const day = new Date().toISOString().slice(0, 10);
  let rows = [];
  try { rows = (await SB.api('GET', '/stats/intervals?date=' + day)).queues || []; } catch (e) { rows = null; }
  const byStart = new Map();
  for (const r of rows || []) {
    const k = r.start;
    const v = byStart.get(k) || { offered: 0, answered: 0, in_sl: 0, settled: 0 };
    v.offered += r.offered || 0; v.answered += r.answered || 0; v.in_sl += r.answered_in_sl || 0;
    v.settled += (r.answered || 0) + (r.abandoned || 0);
    byStart.set(k, v);
  }
  const now = Date.now(), last = now - now % IV_MS;
  const dayStart = Date.parse(day + 'T00:00:00Z');
  let first = Math.max(dayStart, last - 23 * IV_MS);
  for (const k of byStart.keys()) first = Math.min(first, k);
  const n = Math.round((last - first) / IV_MS) + 1;
  const c = $('chart'), g = c.getContext('2d');
  const L = 40, R = 44, T = 10, B = 22, w = c.width - L - R, h = c.height - T - B;
  g.clearRect(0, 0, c.width, c.height);
  const max = Math.max(1, ...[...byStart.values()].map((v) => v.offered));
  const bw = w / n;
  g.font = '11px sans-serif';
  // axes: calls on the left, service level on the right, time below
  g.strokeStyle = '#5d6575'; g.lineWidth = 1; g.beginPath();
  g.moveTo(L, T); g.lineTo(L, T + h); g.lineTo(L + w, T + h); g.lineTo(L + w, T); g.stroke();
  g.fillStyle = '#5d6575';
  g.textAlign = 'right'; g.fillText(String(max), L - 4, T + 8); g.fillText('0', L - 4, T + h);
  g.textAlign = 'left'; g.fillText('100%', L + w + 4, T + 8); g.fillText('0%', L + w + 4, T + h);
  const every = Math.max(1, Math.ceil(n / 12));
  for (let i = 0; i < n; i += every) {
    const t = new Date(first + i * IV_MS);
    g.fillText(t.toTimeString().slice(0, 5), L + i * bw, c.height - 6);
  }
  for (const [k, v] of byStart) {
    const i = Math.round((k - first) / IV_MS), bh = h * v.offered / max;
    g.fillStyle = '#9db7e0'; g.fillRect(L + i * bw + 1, T + h - bh, Math.max(1, bw - 2), bh);
  }
  if (!byStart.size) {
    g.fillStyle = '#5d6575'; g.textAlign = 'center'; g.font = '14px sans-serif';
    g.fillText(rows ? 'No calls yet today' : 'Interval figures are not available', L + w / 2, T + h / 2);
    g.textAlign = 'left';
  }
  // Service level as the ACD defines it: answered in time over answered
  // plus abandoned (short abandons excluded); intervals without any are
  // left out of the line.
  const pts = [...byStart.keys()].sort((a, b) => a - b).map((k) => {
    const v = byStart.get(k), i = Math.round((k - first) / IV_MS);
    return v.settled ? [L + i * bw + bw / 2, T + h * (1 - v.in_sl / v.settled)] : null;
  }).filter(Boolean);
  g.strokeStyle = '#1b7f3b'; g.lineWidth = 2; g.beginPath();
  pts.forEach(([x, y], i) => { if (i) g.lineTo(x, y); else g.moveTo(x, y); });
  g.stroke();
  g.fillStyle = '#1b7f3b';
  for (const [x, y] of pts) { g.beginPath(); g.arc(x, y, 3, 0, 2 * Math.PI); g.fill(); }
  // the table behind the chart, for screen readers
  const tb = $('interval-table').tBodies[0];
  tb.innerHTML = '';
  for (const k of [...byStart.keys()].sort((a, b) => a - b)) {
    const v = byStart.get(k), tr = document.createElement('tr');
    tr.innerHTML = '<td>' + SB.esc(new Date(k).toTimeString().slice(0, 5)) + '</td><td>' + v.offered +
      ' offered</td><td>' + (v.settled ? Math.round(100 * v.in_sl / v.settled) + '%' : '—') + '</td>';
    tb.appendChild(tr);
  }
}

// Redraw when the day's counts move (the live figures arrive every second;
// the interaction events go to the agents concerned, not here).
let chartKey = '';
function chartMaybe(s) {
  const key = (s.queues || []).map((q) => [q.offered, q.answered, q.abandoned].join('/')).join(',');
  if (key !== chartKey) { chartKey = key; chart(); }
}

async function init() {
  const me = await SB.api('GET', '/me');
  $('who').textContent = me.username;
  const live = await SB.api('GET', '/stats/live');
  render(live);
  chartMaybe(live);
  setInterval(chart, 60000);
  SB.events((ev) => {
    if (ev.type === 'stats') { render(ev.data); chartMaybe(ev.data); }
  }, (up) => { $('conn').textContent = up ? 'live' : 'reconnecting…'; });
}
$('logout').onclick = SB.logout;
init().catch((e) => { $('agent-err').textContent = e.message; });
