/* The planning page: staffing tables from /wfm/staff with a chart of
 * service level against agents, and a what-if comparison of two
 * simulations from /wfm/simulate. */
'use strict';

const num = (id) => { const v = SB.el(id).value; return v === '' ? undefined : Number(v); };
const pct = (x) => (100 * x).toFixed(1) + ' %';

function drawStaff(rows, target, recommended) {
  const c = SB.el('staff-chart'), g = c.getContext('2d');
  const w = c.width, h = c.height, pad = 30;
  g.clearRect(0, 0, w, h);
  g.strokeStyle = '#888'; g.beginPath(); g.moveTo(pad, 10); g.lineTo(pad, h - pad);
  g.lineTo(w - 10, h - pad); g.stroke();
  const bw = (w - pad - 20) / rows.length;
  g.font = '12px sans-serif';
  rows.forEach((r, i) => {
    const bh = (h - pad - 10) * r.service_level;
    g.fillStyle = r.agents === recommended ? '#2a7' : '#8ab';
    g.fillRect(pad + 5 + i * bw, h - pad - bh, bw - 10, bh);
    g.fillStyle = '#000';
    g.fillText(String(r.agents), pad + 5 + i * bw + bw / 2 - 8, h - 12);
  });
  const ty = h - pad - (h - pad - 10) * target;
  g.strokeStyle = '#c33'; g.setLineDash([5, 4]); g.beginPath();
  g.moveTo(pad, ty); g.lineTo(w - 10, ty); g.stroke(); g.setLineDash([]);
  g.fillStyle = '#c33'; g.fillText('target', w - 50, ty - 4);
}

SB.el('staff').addEventListener('submit', async (e) => {
  e.preventDefault();
  SB.el('staff-err').textContent = '';
  const body = { calls: num('calls'), interval_s: num('interval'), aht_s: num('aht'),
    sl_pct: num('sl'), threshold_s: num('threshold') };
  if (num('patience') !== undefined) body.patience_s = num('patience');
  if (num('shrink') !== undefined) body.shrinkage_pct = num('shrink');
  try {
    const r = await SB.api('POST', '/wfm/staff', body);
    SB.el('recommend').textContent = 'Recommended: ' + r.recommended_agents +
      ' agents on the phones' + (r.scheduled_agents ? ', ' + r.scheduled_agents +
      ' scheduled after shrinkage' : '');
    SB.el('staff-rows').innerHTML = r.rows.map((x) =>
      '<tr' + (x.agents === r.recommended_agents ? ' class="pick"' : '') + '><td>' +
      x.agents + '</td><td>' + x.p_wait.toFixed(4) + '</td><td>' + x.asa_s.toFixed(1) +
      '</td><td>' + pct(x.service_level) + '</td><td>' + pct(x.occupancy) + '</td><td>' +
      (x.p_abandon === undefined ? '–' : pct(x.p_abandon)) + '</td></tr>').join('');
    drawStaff(r.rows, body.sl_pct / 100, r.recommended_agents);
  } catch (err) {
    SB.el('staff-err').textContent = err.message + (err.field ? ' (' + err.field + ')' : '');
  }
});

function scenario(agents, strategy) {
  return { duration_s: 32400, warmup_s: 3600, interval_s: 1800, replications: 10, seed: 1,
    queues: [{ name: 'support', strategy, sl_threshold_s: num('threshold') || 20,
      calls_per_interval: (num('calls') || 0) * 1800 / (num('interval') || 1800),
      handle: { dist: 'exponential', mean_s: num('aht') || 180 },
      patience_s: num('patience') || 0 }],
    agents: [{ count: agents, queues: ['support'] }] };
}

SB.el('whatif').addEventListener('submit', async (e) => {
  e.preventDefault();
  SB.el('sim-err').textContent = '';
  SB.el('sim-rows').innerHTML = '<tr><td colspan="3">simulating…</td></tr>';
  try {
    const [a, b] = await Promise.all([
      SB.api('POST', '/wfm/simulate', { scenario: scenario(num('base-agents'), 'longest_idle') }),
      SB.api('POST', '/wfm/simulate', { scenario: scenario(num('alt-agents'), SB.el('alt-strategy').value) })]);
    const f = (x) => x.mean.toFixed(2) + ' ± ' + x.ci95.toFixed(2);
    const rows = [['Service level %', 'service_level_pct'], ['ASA s', 'asa_s'],
      ['Abandoned %', 'abandon_pct'], ['Offered', 'offered']];
    SB.el('sim-rows').innerHTML = rows.map(([label, k]) => '<tr><td>' + label + '</td><td>' +
      f(a.queues[0][k]) + '</td><td>' + f(b.queues[0][k]) + '</td></tr>').join('') +
      '<tr><td>Occupancy %</td><td>' + f(a.occupancy_pct) + '</td><td>' + f(b.occupancy_pct) +
      '</td></tr>';
  } catch (err) {
    SB.el('sim-rows').innerHTML = '';
    SB.el('sim-err').textContent = err.message;
  }
});

/* Free scenarios: both text areas start as the single-queue scenario. */
SB.el('scen-a').value = JSON.stringify(scenario(14, 'longest_idle'), null, 1);
SB.el('scen-b').value = JSON.stringify(scenario(13, 'longest_idle'), null, 1);

SB.el('scen').addEventListener('submit', async (e) => {
  e.preventDefault();
  SB.el('scen-err').textContent = '';
  let a, b;
  try {
    a = JSON.parse(SB.el('scen-a').value);
    b = JSON.parse(SB.el('scen-b').value);
  } catch (err) {
    SB.el('scen-err').textContent = 'not JSON: ' + err.message;
    return;
  }
  try {
    const [ra, rb] = await Promise.all([SB.api('POST', '/wfm/simulate', { scenario: a }),
      SB.api('POST', '/wfm/simulate', { scenario: b })]);
    /* A figure with no data (nobody answered or abandoned) is -1. */
    const f = (x) => !x ? '–' : x.mean < 0 ? 'no data' : x.mean.toFixed(2) + ' ± ' + x.ci95.toFixed(2);
    const keys = [['Service level %', 'service_level_pct'], ['ASA s', 'asa_s'],
      ['Abandoned %', 'abandon_pct'], ['Offered', 'offered']];
    SB.el('scen-rows').innerHTML = ra.queues.map((qa) => {
      const qb = rb.queues.find((q) => q.name === qa.name) || {};
      return keys.map(([label, k]) => '<tr><td>' + SB.esc(qa.name) + '</td><td>' + label +
        '</td><td>' + f(qa[k]) + '</td><td>' + f(qb[k]) + '</td></tr>').join('');
    }).join('');
  } catch (err) {
    SB.el('scen-err').textContent = err.message + (err.field ? ' (' + err.field + ')' : '');
  }
});

SB.el('fc').addEventListener('submit', async (e) => {
  e.preventDefault();
  SB.el('fc-err').textContent = '';
  const q = SB.el('fc-queue').value.trim();
  try {
    const r = await SB.api('GET', '/wfm/forecast' + (q ? '?queue=' + encodeURIComponent(q) : ''));
    SB.el('fc-info').textContent = 'AHT ' + r.aht_s.toFixed(0) + ' s; error on the last week (MAPE) ' +
      (r.mape_pct < 0 ? 'n/a' : r.mape_pct.toFixed(1) + ' %');
    const c = SB.el('fc-chart'), g = c.getContext('2d'), w = c.width, h = c.height;
    const maxC = Math.max(1, ...r.calls), maxA = Math.max(1, ...r.required_agents);
    const bw = (w - 40) / r.calls.length;
    g.clearRect(0, 0, w, h);
    g.fillStyle = '#8ab';
    r.calls.forEach((v, i) => { const bh = (h - 30) * v / maxC; g.fillRect(30 + i * bw, h - 20 - bh, bw - 2, bh); });
    g.strokeStyle = '#c33'; g.beginPath();
    r.required_agents.forEach((v, i) => {
      const x = 30 + i * bw + bw / 2, y = h - 20 - (h - 30) * v / maxA;
      if (i) g.lineTo(x, y); else g.moveTo(x, y);
    });
    g.stroke();
    g.fillStyle = '#000'; g.font = '12px sans-serif';
    for (let i = 0; i < 48; i += 4) g.fillText(String(i / 2).padStart(2, '0') + ':00', 30 + i * bw, h - 4);
  } catch (err) {
    SB.el('fc-err').textContent = err.message;
  }
});

SB.el('ad-day').valueAsDate = new Date();
SB.el('ad').addEventListener('submit', async (e) => {
  e.preventDefault();
  SB.el('ad-err').textContent = '';
  const day = SB.el('ad-day').valueAsDate.getTime();
  try {
    const r = await SB.api('GET', '/wfm/adherence?day=' + (day - day % 86400000));
    SB.el('ad-rows').innerHTML = r.agents.length ? r.agents.map((a) => '<tr><td>' + a.agent_id +
      '</td><td>' + SB.dur(a.scheduled_s) + '</td><td>' + SB.dur(a.adherent_s) + '</td><td>' +
      SB.dur(a.unplanned_away_s) + '</td><td>' + (a.adherence_pct < 0 ? '–' : a.adherence_pct.toFixed(1) + ' %') +
      '</td></tr>').join('') : '<tr><td colspan="5">no shifts scheduled that day</td></tr>';
  } catch (err) {
    SB.el('ad-err').textContent = err.message;
  }
});
SB.api('GET', '/me').catch(() => {}); /* shows the links of the role */
