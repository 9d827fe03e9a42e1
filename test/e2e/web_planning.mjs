// Browser test of the planning page: a supervisor computes a staffing
// table (14 agents for 100 calls in 30 min, AHT 180 s, 80/20), sees a bad
// target refused with the server's reason, and compares two simulations
// side by side. Screenshot in artifacts/planning.png.
import { launch, check, done, login, artifacts } from './lib_browser.mjs';
import { join } from 'node:path';

const base = 'http://127.0.0.1:' + process.env.SB_HTTP_PORT;
const b = await launch();
try {
  const page = b.page;
  await login(page, base, 'super', 'pwsuper');
  await page.waitForURL('**/wallboard.html', { timeout: 10000 });
  await page.goto(base + '/planning.html');
  await page.click('#staff button[type=submit]');
  await page.waitForSelector('#recommend:not(:empty)', { timeout: 10000 });
  const rec = await page.textContent('#recommend');
  check('staffing recommends 14 agents and 20 scheduled (' + rec + ')',
    rec.includes('14 agents') && rec.includes('20 scheduled'));
  const rows = await page.$$eval('#staff-rows tr', (r) => r.length);
  check('the table lists the rows around it', rows >= 5);
  await page.fill('#sl', '150');
  await page.$eval('#sl', (e) => e.removeAttribute('max'));
  await page.click('#staff button[type=submit]');
  await page.waitForSelector('#staff-err:not(:empty)', { timeout: 5000 });
  check('a bad target shows the server\'s reason',
    (await page.textContent('#staff-err')).includes('sl_pct'));
  await page.fill('#sl', '80');
  await page.click('#staff button[type=submit]');
  await page.fill('#alt-agents', '12');
  await page.click('#whatif button[type=submit]');
  await page.waitForSelector('#sim-rows td:text("Occupancy %")', { timeout: 20000 });
  const cells = await page.$$eval('#sim-rows tr:first-child td', (t) => t.map((x) => x.textContent));
  const base_sl = parseFloat(cells[1]), alt_sl = parseFloat(cells[2]);
  check('what-if: fewer agents, lower service level (' + cells.join(' | ') + ')', alt_sl < base_sl);
  // A free scenario with a skill the alternative's agents lack: nobody
  // is ever answered (or abandons: no patience), so there is no service
  // level to report.
  const alt = JSON.parse(await page.inputValue('#scen-b'));
  alt.queues[0].skill = 'french';
  await page.fill('#scen-b', JSON.stringify(alt));
  await page.click('#scen button[type=submit]');
  await page.waitForSelector('#scen-rows tr', { timeout: 20000 });
  const first = await page.$$eval('#scen-rows tr:first-child td', (t) => t.map((x) => x.textContent));
  check('free scenarios compared (' + first.join(' | ') + ')',
    parseFloat(first[2]) > 80 && first[3] === 'no data');
  await page.fill('#scen-b', '{"queues": [');
  await page.click('#scen button[type=submit]');
  await page.waitForSelector('#scen-err:not(:empty)', { timeout: 5000 });
  check('a broken scenario is refused', (await page.textContent('#scen-err')).includes('JSON'));
  await page.click('#fc button[type=submit]');
  await page.waitForSelector('#fc-err:not(:empty)', { timeout: 5000 });
  check('no history: the forecast says so', (await page.textContent('#fc-err')).includes('100'));
  await page.click('#ad button[type=submit]');
  await page.waitForSelector('#ad-rows tr', { timeout: 5000 });
  check('adherence for a day without shifts says so',
    (await page.textContent('#ad-rows')).includes('no shifts'));
  await page.screenshot({ path: join(artifacts, 'planning.png'), fullPage: true });
} finally {
  await b.close();
}
done();
