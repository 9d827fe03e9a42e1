// Browser test of the pages that need no call: an administrator logs in
// with the keyboard, lands on the administration page, adds a disposition
// code through the form and sees it listed; an agent logs in and lands
// on the desktop with the away reasons offered; a supervisor lands on the
// wallboard, which updates every second. Screenshots in artifacts/.
import { launch, check, done, login, artifacts } from './lib_browser.mjs';
import { join } from 'node:path';

const base = 'http://127.0.0.1:' + process.env.SB_HTTP_PORT;
const open = [];
async function user() { const b = await launch(); open.push(b); return b.page; }
try {
  const admin = await user();
  await login(admin, base, 'admin', 'pwadmin');
  await admin.waitForURL('**/admin.html', { timeout: 10000 });
  check('admin lands on the administration page', admin.url().endsWith('/admin.html'));
  await admin.click('#tab-dispositions');
  await admin.waitForSelector('#tbody tr');
  await admin.fill('#create input[name=code]', 'callback_later');
  await admin.fill('#create input[name=label]', 'Call back later');
  await admin.press('#create input[name=label]', 'Enter');
  await admin.waitForSelector('#tbody td:text("callback_later")', { timeout: 5000 });
  check('a disposition code added through the form is listed', true);
  await admin.fill('#create input[name=code]', 'Bad Code!');
  await admin.fill('#create input[name=label]', 'x');
  await admin.press('#create input[name=label]', 'Enter');
  await admin.waitForSelector('#err:not(:empty)', { timeout: 5000 });
  check('a bad code shows the server\'s reason', (await admin.textContent('#err')).includes('code'));
  await admin.screenshot({ path: join(artifacts, 'admin.png'), fullPage: true });

  await admin.click('#tab-agents');
  await admin.waitForSelector('#tbody td:text("1001")');
  const skills = await admin.textContent('#tbody');
  check('the agents tab lists the demo agents with their skills', /sales:8/.test(skills));
  await admin.fill('#create input[name=extension]', '1009');
  await admin.fill('#create input[name=name]', 'Ivy 1009');
  await admin.fill('#create input[name=skills]', 'support:6 french:9');
  await admin.fill('#create input[name=sip_password]', 'pw1009x');
  await admin.press('#create input[name=sip_password]', 'Enter');
  await admin.waitForSelector('#tbody td:text("Ivy 1009")', { timeout: 5000 });
  check('an agent created through the form is listed with its skills',
    /french:9/.test(await admin.textContent('#tbody')));
  await admin.click('#tab-queues');
  await admin.waitForSelector('#tbody td:text("support")', { timeout: 5000 });
  check('the queues tab lists the demo queues', true);
  await admin.click('#tab-flows');
  await admin.waitForSelector('#tbody td:text("demo-5000")', { timeout: 5000 });
  check('the IVR flows tab lists the demo flow and its number',
    /5000/.test(await admin.textContent('#tbody')));

  const agent = await user();
  await login(agent, base, '1001', 'pw1001');
  await agent.waitForURL('**/agent.html', { timeout: 10000 });
  await agent.waitForFunction(() => document.querySelectorAll('#away-reason option').length > 0);
  const reasons = await agent.$$eval('#away-reason option', (o) => o.map((x) => x.value));
  check('agent desktop offers the away reasons (' + reasons.join(',') + ')', reasons.includes('lunch'));
  const disp = await agent.$$eval('#disposition option', (o) => o.map((x) => x.value));
  check('and the disposition codes, including the new one', disp.includes('callback_later'));
  await agent.waitForSelector('#conn:text("live")', { timeout: 10000 });
  check('the desktop\'s event channel is live', true);
  await agent.screenshot({ path: join(artifacts, 'agent-idle.png'), fullPage: true });

  const sup = await user();
  await login(sup, base, 'super', 'pwsuper');
  await sup.waitForURL('**/wallboard.html', { timeout: 10000 });
  const t1 = await sup.textContent('#updated');
  await sup.waitForFunction((t) => document.querySelector('#updated').textContent !== t, t1, { timeout: 5000 });
  check('the wallboard updates every second', true);
  await sup.screenshot({ path: join(artifacts, 'wallboard.png'), fullPage: true });

  const r = await sup.evaluate(async () => (await fetch('/api/v1/accounts')).status);
  check('the supervisor\'s session cannot reach admin routes (' + r + ')', r === 403);
} finally {
  for (const b of open) await b.close();
}
done();
