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
      SB.esc(a.state) + (a.reason ? ' (' + SB.esc(a.reason) + ')' : '') + '</td><td>' +
      SB.esc(SB.dur((s.at - (a.since || s.at)) / 1000)) + '</td><td>' + call + '</td><td></td>';
    const sel = document.createElement('select');
    sel.dataset.agent = a.id;
    sel.setAttribute('aria-label', 'change state of agent ' + a.id);
    for (const o of ['', 'available', 'away', 'logged_out']) sel.add(new Option(o ? o.replace('_', ' ') : 'set…', o));
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

async function chart() {
  const day = new Date().toISOString().slice(0, 10);
  let rows = [];
  try { rows = (await SB.api('GET', '/stats/intervals?date=' + day)).queues; } catch (e) { return; }
  const byStart = new Map();
  for (const r of rows) {
    const k = r.start;
    const v = byStart.get(k) || { offered: 0, answered: 0, in_sl: 0, settled: 0 };
    v.offered += r.offered || 0; v.answered += r.answered || 0; v.in_sl += r.answered_in_sl || 0;
    v.settled += (r.answered || 0) + (r.abandoned || 0);
    byStart.set(k, v);
  }
  const keys = [...byStart.keys()].sort((a, b) => a - b);
  const c = $('chart'), g = c.getContext('2d');
  g.clearRect(0, 0, c.width, c.height);
  const max = Math.max(1, ...keys.map((k) => byStart.get(k).offered));
  const bw = c.width / Math.max(keys.length, 24);
  g.font = '11px sans-serif';
  keys.forEach((k, i) => {
    const v = byStart.get(k), h = (c.height - 30) * v.offered / max;
    g.fillStyle = '#9db7e0'; g.fillRect(i * bw + 2, c.height - 20 - h, bw - 4, h);
    g.fillStyle = '#1d2330'; g.fillText(new Date(k).toTimeString().slice(0, 5), i * bw + 2, c.height - 6);
  });
  g.strokeStyle = '#1b7f3b'; g.lineWidth = 2; g.beginPath();
  // Service level as the ACD defines it: answered in time over answered
  // plus abandoned (short abandons excluded); intervals without any are
  // left out of the line.
  const pts = keys.map((k, i) => {
    const v = byStart.get(k);
    return v.settled ? [i * bw + bw / 2, 10 + (c.height - 30) * (1 - v.in_sl / v.settled)] : null;
  }).filter(Boolean);
  pts.forEach(([x, y], i) => { if (i) g.lineTo(x, y); else g.moveTo(x, y); });
  g.stroke();
  g.fillStyle = '#1b7f3b';
  for (const [x, y] of pts) { g.beginPath(); g.arc(x, y, 3, 0, 2 * Math.PI); g.fill(); }
}

async function init() {
  const me = await SB.api('GET', '/me');
  $('who').textContent = me.username;
  render(await SB.api('GET', '/stats/live'));
  chart();
  setInterval(chart, 60000);
  SB.events((ev) => {
    if (ev.type === 'stats') render(ev.data);
    if (ev.type === 'interaction.ended') chart();
  }, (up) => { $('conn').textContent = up ? 'live' : 'reconnecting…'; });
}
$('logout').onclick = SB.logout;
init().catch((e) => { $('agent-err').textContent = e.message; });
