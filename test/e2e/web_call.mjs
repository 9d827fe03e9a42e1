// The call through the pages (see web_call.sh): agent desktop and
// wallboard in two browsers, the caller placed by SB_CALL.
import { launch, check, done, login, artifacts } from './lib_browser.mjs';
import { spawn } from 'node:child_process';
import { join } from 'node:path';

const base = 'http://127.0.0.1:' + process.env.SB_HTTP_PORT;
const shot = (page, name) => page.screenshot({ path: join(artifacts, name), fullPage: true });
const open = [];
let caller = null;
try {
  const sb = await launch(); open.push(sb);
  const sup = sb.page;
  await login(sup, base, 'super', 'pwsuper');
  await sup.waitForURL('**/wallboard.html', { timeout: 10000 });
  await sup.waitForSelector('.tile[data-queue="support"]', { timeout: 10000 });

  const ab = await launch(); open.push(ab);
  const agent = ab.page;
  await login(agent, base, '1003', 'pw1003');
  await agent.waitForURL('**/agent.html', { timeout: 10000 });
  await agent.waitForSelector('#conn:text("live")', { timeout: 10000 });
  // Out of the queues, then available again, by the buttons.
  await agent.click('#btn-logout-state');
  await agent.waitForSelector('#state.state-logged_out', { timeout: 5000 });
  await agent.click('#btn-available');
  await agent.waitForSelector('#state.state-available', { timeout: 5000 });
  check('the agent logs in and becomes available', true);
  await sup.waitForFunction(() => /1 available/.test(
    document.querySelector('.tile[data-queue="support"]').textContent), null, { timeout: 5000 });
  check('the wallboard shows the agent available in support', true);

  caller = spawn('bash', ['-c', process.env.SB_CALL], { stdio: 'ignore' });
  const callerDone = new Promise((res) => caller.on('exit', (code) => res(code)));
  await agent.waitForSelector('#card:not(.hidden)', { timeout: 10000 });
  const who = await agent.textContent('#card-caller');
  check('the call card pops with the caller (' + who + ')', who.includes('5550177'));
  check('and the queue', (await agent.textContent('#card-queue')) === 'support');
  check('the card says ringing', (await agent.textContent('#card-status')) === 'ringing');
  await shot(agent, 'agent-card.png');

  await agent.waitForSelector('#call:not(.hidden)', { timeout: 10000 });
  check('the phone answers: the call is on the desktop', await agent.isHidden('#card'));
  await sup.waitForFunction(() => [...document.querySelectorAll('#agents tr')]
    .some((tr) => tr.cells[1].textContent === 'On a call' && /5550177/.test(tr.cells[3].textContent)), null, { timeout: 5000 });
  check('the wallboard shows the agent busy with the caller', true);
  await shot(sup, 'wallboard-call.png');

  await agent.click('#btn-hold');
  await agent.waitForSelector('#btn-resume:not(.hidden)', { timeout: 5000 });
  check('hold from the desktop: the phone took the re-INVITE, Resume offered', true);
  await agent.click('#btn-resume');
  await agent.waitForSelector('#btn-hold:not(.hidden)', { timeout: 5000 });
  check('and resume', true);

  const notes = 'Wants the premium plan; call back Friday.';
  await agent.fill('#notes', notes);
  await agent.waitForSelector('#notes-status:text("saved")', { timeout: 8000 });
  check('the notes save themselves', true);
  await agent.reload();
  await agent.waitForSelector('#call:not(.hidden)', { timeout: 10000 });
  await agent.waitForFunction((n) => document.querySelector('#notes').value === n, notes, { timeout: 5000 });
  check('after a reload the notes are still there', true);
  await shot(agent, 'agent-call.png');

  await agent.waitForSelector('#wrapup:not(.hidden)', { timeout: 30000 });
  check('the caller hangs up: wrap-up starts', true);
  check('the caller\'s SIPp ended cleanly', (await callerDone) === 0);
  await agent.selectOption('#disposition', 'sale');
  await shot(agent, 'agent-wrapup.png');
  await agent.click('#btn-wrap');
  await agent.waitForSelector('#wrapup.hidden', { state: 'attached', timeout: 5000 });
  await agent.waitForSelector('#state.state-available', { timeout: 5000 });
  check('the disposition ends wrap-up: available again', true);
  await agent.waitForFunction(() => /sale/.test(document.querySelector('#today').textContent), null, { timeout: 5000 });
  check('today\'s contacts list it with its disposition', true);
  await shot(agent, 'agent-after.png');

  await sup.waitForFunction(() => {
    const t = document.querySelector('.tile[data-queue="support"]');
    return t && t.querySelector('.answered').textContent === '1' && t.querySelector('.sl').textContent === '100%';
  }, null, { timeout: 5000 });
  check('the wallboard shows the call answered and the service level', true);
  // The state cell, not the row (its select lists the states too).
  await sup.waitForFunction(() => [...document.querySelectorAll('#agents tr')]
    .some((tr) => /Carol/.test(tr.cells[0].textContent) && tr.cells[1].textContent === 'Available' &&
      tr.cells[3].textContent === ''), null, { timeout: 5000 });
  check('and the agent available again', true);
  await sup.evaluate(() => chart());
  const bars = await sup.evaluate(() => {
    const c = document.querySelector('#chart'), g = c.getContext('2d');
    const px = g.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < px.length; i += 4) if (px[i + 3] && px[i] === 0x9d) n++;
    return n;
  });
  check('the interval chart draws this interval\'s call (' + bars + ' px)', bars > 0);
  await shot(sup, 'wallboard-after.png');

  // The supervisor logs the agent out from the wallboard; the desktop
  // follows.
  await sup.selectOption('select[data-agent="1003"]', 'logged_out');
  await agent.waitForSelector('#state.state-logged_out', { timeout: 5000 });
  check('the supervisor logs the agent out from the wallboard; the desktop shows it', true);
} finally {
  if (caller && caller.exitCode === null) caller.kill();
  for (const b of open) await b.close();
}
done();
