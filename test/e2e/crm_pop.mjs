// The screen pop through the agent desktop (see crm_pop.sh): the demo VIP
// calls twice, placed by SB_CALL1 and SB_CALL2.
import { launch, check, done, login, artifacts } from './lib_browser.mjs';
import { spawn } from 'node:child_process';
import { join } from 'node:path';

const base = 'http://127.0.0.1:' + process.env.SB_HTTP_PORT;
const shot = (page, name) => page.screenshot({ path: join(artifacts, name), fullPage: true });
const open = [];
const place = (cmd) => {
  const p = spawn('bash', ['-c', cmd], { stdio: 'ignore' });
  return new Promise((res) => p.on('exit', (code) => res(code)));
};

async function wrapUp(agent, disposition) {
  await agent.waitForSelector('#wrapup:not(.hidden)', { timeout: 30000 });
  await agent.selectOption('#disposition', disposition);
  await agent.click('#btn-wrap');
  await agent.waitForSelector('#state.state-available', { timeout: 10000 });
}

try {
  const ab = await launch(); open.push(ab);
  const agent = ab.page;
  await login(agent, base, '1003', 'pw1003');
  await agent.waitForURL('**/agent.html', { timeout: 10000 });
  await agent.waitForSelector('#conn:text("live")', { timeout: 10000 });
  await agent.waitForSelector('#state.state-available', { timeout: 10000 });
  check('the agent is available', true);

  // First call: the VIP, never called before.
  let callerDone = place(process.env.SB_CALL1);
  await agent.waitForSelector('#card:not(.hidden)', { timeout: 15000 });
  await agent.waitForFunction(() => /Ada Lovelace/.test(document.querySelector('#card-customer').textContent), null, { timeout: 5000 });
  check('the pop names the customer: ' + await agent.textContent('#card-customer'), true);
  check('with the VIP badge', await agent.isVisible('#card-vip'));
  check('first contact', (await agent.textContent('#card-last')) === 'First contact');
  await shot(agent, 'crm-pop-first.png');

  await agent.waitForSelector('#call:not(.hidden)', { timeout: 10000 });
  await agent.waitForSelector('#cust:not(.hidden)', { timeout: 5000 });
  await agent.waitForFunction(() => /Ada Lovelace/.test(document.querySelector('#cust-name').textContent), null, { timeout: 5000 });
  check('the customer panel shows her during the call', await agent.isVisible('#cust-vip'));
  check('with her number in E.164', /\+15555550100/.test(await agent.textContent('#cust-info')));
  await agent.fill('#cust-q', 'lovel');
  await agent.waitForFunction(() => /Ada Lovelace/.test(document.querySelector('#cust-results').textContent), null, { timeout: 5000 });
  check('search as the agent types finds her', true);
  await agent.fill('#cust-q', '555 555 01');
  await agent.waitForFunction(() => /Ada Lovelace/.test(document.querySelector('#cust-results').textContent) &&
    document.querySelector('#cust-q').value === '555 555 01', null, { timeout: 5000 });
  check('and by her number typed in part', true);
  await agent.fill('#case-subject', 'Premium contract renewal');
  await agent.click('#btn-case-new');
  await agent.waitForFunction(() => /Premium contract renewal/.test(document.querySelector('#cust-cases').textContent), null, { timeout: 5000 });
  check('the agent opens a case for the contact from the panel', /new/.test(await agent.textContent('#cust-cases .case-status')));
  await agent.fill('#notes', 'Asked about the premium contract renewal.');
  await agent.waitForSelector('#notes-status:text("saved")', { timeout: 8000 });
  await shot(agent, 'crm-call.png');
  await wrapUp(agent, 'resolved');
  check('the first call wrapped up as resolved', (await callerDone) === 0);

  // The case is solved in between.
  const caseId = await agent.getAttribute('#cust-cases li', 'data-case');
  await agent.evaluate((id) => SB.api('PATCH', '/cases/' + id, { status: 'solved' }), caseId);
  // Second call: the pop shows the last interaction.
  callerDone = place(process.env.SB_CALL2);
  await agent.waitForSelector('#card:not(.hidden)', { timeout: 15000 });
  await agent.waitForFunction(() => /Last contact/.test(document.querySelector('#card-last').textContent), null, { timeout: 5000 });
  const last = await agent.textContent('#card-last');
  check('the second pop shows the last interaction (' + last + ')', /support/.test(last) && /resolved/.test(last));
  check('her name and the VIP badge again', /Ada Lovelace/.test(await agent.textContent('#card-customer')) &&
    await agent.isVisible('#card-vip'));
  await shot(agent, 'crm-pop-second.png');
  await agent.waitForSelector('#call:not(.hidden)', { timeout: 10000 });
  await agent.waitForFunction(() => /solved/.test(document.querySelector('#cust-cases').textContent), null, { timeout: 5000 });
  await agent.click('#cust-cases button');
  await agent.waitForFunction(() => /open/.test(document.querySelector('#cust-cases .case-status').textContent), null, { timeout: 5000 });
  check('the new contact linked to the solved case reopens it', true);
  await wrapUp(agent, 'follow_up');
  check('the second call ends', (await callerDone) === 0);

  // Third call: a second customer shares her number; the card offers both.
  const other = await agent.evaluate(() => SB.api('POST', '/customers', { name: 'Charles Babbage',
    identities: [{ kind: 'phone', value: '+1 555 555 0100' }] }));
  callerDone = place(process.env.SB_CALL3);
  await agent.waitForSelector('#card:not(.hidden)', { timeout: 15000 });
  await agent.waitForSelector('#card-matches:not(.hidden) li', { timeout: 5000 });
  const matches = await agent.textContent('#card-matches');
  check('several customers on the number: both offered (' + matches.replace(/\s+/g, ' ').slice(0, 80) + ')',
    /Ada Lovelace/.test(matches) && /Charles Babbage/.test(matches));
  await shot(agent, 'crm-pop-matches.png');
  await agent.click('#card-matches li:has-text("Charles Babbage") button');
  await agent.waitForSelector('#card-matches.hidden', { state: 'attached', timeout: 5000 });
  await agent.waitForSelector('#call:not(.hidden)', { timeout: 10000 });
  await agent.waitForFunction(() => /Charles Babbage/.test(document.querySelector('#cust-name').textContent), null, { timeout: 8000 });
  check('the agent chose: the panel shows ' + other.name, true);
  await wrapUp(agent, 'resolved');
  check('the third call ends', (await callerDone) === 0);
  done();
} catch (e) {
  console.error('FAIL: ' + (e && e.stack || e));
  process.exitCode = 1;
} finally {
  for (const b of open) await b.close().catch(() => {});
}
