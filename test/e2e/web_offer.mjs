// Accept, Reject and auto-answer from the agent desktop (see
// web_offer.sh). The callers are placed by the scripts SB_TMP/callN.sh.
import { launch, check, done, login, artifacts } from './lib_browser.mjs';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const base = 'http://127.0.0.1:' + process.env.SB_HTTP_PORT;
const shot = (page, name) => page.screenshot({ path: join(artifacts, name), fullPage: true });
const callers = [];
const call = (n) => {
  const p = spawn('bash', [join(process.env.SB_TMP, 'call' + n + '.sh')], { stdio: 'ignore' });
  callers.push(p);
  return new Promise((res) => p.on('exit', (code) => res(code)));
};
const phoneLog = () => readFileSync(process.env.SB_PHONE_MSG, 'utf8');
let token = null;
async function api(method, path, body) {
  const r = await fetch(base + '/api/v1' + path, { method, headers:
    { authorization: 'Bearer ' + token, 'content-type': 'application/json' },
    body: body ? JSON.stringify(body) : undefined });
  return { status: r.status, body: await r.json() };
}
async function until(what, fn, ms = 10000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await fn()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  check(what, false);
}
const callOf = async (caller) => (await api('GET', '/calls')).body
  .find((c) => (c.caller || '').includes(caller));

const open = [];
try {
  token = (await (await fetch(base + '/api/v1/login', { method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'super', password: 'pwsuper' }) })).json()).token;
  const ab = await launch(); open.push(ab);
  const agent = ab.page;
  await login(agent, base, '1003', 'pw1003');
  await agent.waitForURL('**/agent.html', { timeout: 10000 });
  await agent.waitForSelector('#conn:text("live")', { timeout: 10000 });
  check('the switch starts off', !(await agent.isChecked('#auto-answer')));

  // Reject: the next agent rings at once.
  const c1 = call(1);
  await agent.waitForSelector('#card:not(.hidden)', { timeout: 10000 });
  check('the card pops with Accept and Reject', await agent.isVisible('#btn-accept') &&
    await agent.isVisible('#btn-reject'));
  await shot(agent, 'offer-card.png');
  const rejectedAt = Date.now();
  await agent.click('#btn-reject');
  await agent.waitForSelector('#card.hidden', { state: 'attached', timeout: 5000 });
  check('Reject hides the card', true);
  await until('the server cancels 1003\'s ringing phone', () => /CANCEL sip:/.test(phoneLog()));
  await until('1001\'s phone rings and answers', async () => {
    const c = await callOf('5550201');
    return c && c.state === 'talking' && c.agent_id === 1001;
  });
  check('at once, well before the 15 s ring timeout (' + (Date.now() - rejectedAt) + ' ms)',
    Date.now() - rejectedAt < 8000);

  // Accept: the phone is rung again with the auto-answer hint.
  const before = (phoneLog().match(/answer-after=0/g) || []).length;
  const c2 = call(2);
  await agent.waitForSelector('#card:not(.hidden)', { timeout: 10000 });
  await new Promise((r) => setTimeout(r, 700));
  check('the phone does not answer by itself', await agent.isHidden('#call'));
  await agent.click('#btn-accept');
  await agent.waitForSelector('#call:not(.hidden)', { timeout: 10000 });
  check('Accept: the phone answered, the call is on the desktop', await agent.isHidden('#card'));
  check('the phone was asked to answer (Call-Info answer-after=0)',
    (phoneLog().match(/answer-after=0/g) || []).length > before);
  const c = await callOf('5550202');
  check('the call is 1003\'s and talking', c && c.agent_id === 1003 && c.state === 'talking');
  await shot(agent, 'offer-accepted.png');
  check('the first caller ended cleanly', (await c1) === 0);
  check('the second caller ended cleanly', (await c2) === 0);

  // The auto-answer switch: the next offer carries the hint.
  await agent.check('#auto-answer');
  await until('the switch is saved', async () =>
    (await api('GET', '/agents/1003/state')).body.auto_answer === true);
  await api('POST', '/agents/1001/state', { state: 'logged_out' });
  await agent.waitForSelector('#wrapup:not(.hidden)', { timeout: 10000 });
  await agent.click('#btn-wrap');
  await agent.waitForSelector('#state.state-available', { timeout: 10000 });
  await agent.reload();
  await agent.waitForSelector('#conn:text("live")', { timeout: 10000 });
  check('after a reload the switch is still on', await agent.isChecked('#auto-answer'));
  const c3 = call(3);
  await agent.waitForSelector('#call:not(.hidden)', { timeout: 10000 });
  check('auto-answer: the phone answered the offer without a click', true);
  check('the third caller ended cleanly', (await c3) === 0);
} finally {
  for (const p of callers) if (p.exitCode === null) p.kill();
  for (const b of open) await b.close();
}
done();
