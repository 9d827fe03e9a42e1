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
