// The agent desktop as a working tool (see web_desktop.sh): the caller
// and the phones are SIPp, started by the shell script (phones) and here
// (callers, SB_TMP/call1.sh and call2.sh).
import { launch, check, done, login, artifacts } from './lib_browser.mjs';
import { spawn } from 'node:child_process';
import { join } from 'node:path';

const base = 'http://127.0.0.1:' + process.env.SB_HTTP_PORT;
const shot = (page, name) => page.screenshot({ path: join(artifacts, name), fullPage: true });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const secs = (t) => { const [m, s] = t.trim().split(':').map(Number); return m * 60 + s; };
const open = [];
const callers = [];
async function user(name, pw, home) {
  const b = await launch(); open.push(b);
  await login(b.page, base, name, pw);
  await b.page.waitForURL('**/' + home, { timeout: 10000 });
  return b.page;
}
function call(n) {
  const c = spawn('bash', [join(process.env.SB_TMP, 'call' + n + '.sh')], { stdio: 'ignore' });
  callers.push(c);
  return new Promise((res) => c.on('exit', (code) => res(code)));
}
const visible = (page, sel) => page.$$eval(sel, (v) => v.filter((e) => e.offsetParent !== null).length);

try {
  // --- Before any call -----------------------------------------------------
  const sup = await user('super', 'pwsuper', 'wallboard.html');
  await sup.waitForSelector('.tile[data-queue="support"]', { timeout: 10000 });
  await sup.waitForFunction(() => {
    const c = document.querySelector('#chart'), px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    for (let i = 3; i < px.length; i += 4) if (px[i]) return true;
    return false;
  }, null, { timeout: 5000 }).catch(() => {});
  const inked = await sup.evaluate(() => {
    const c = document.querySelector('#chart'), px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < px.length; i += 4) if (px[i]) n++;
    return n;
  });
  check('the wallboard\'s interval chart is not blank before the first call (' + inked + ' px: axes and a word)', inked > 500);
  check('the wallboard shows the supervisor the Planning and Administration links',
    (await visible(sup, 'header a[href="/planning.html"]')) === 1 && (await visible(sup, 'header a[href="/admin.html"]')) === 1);

  const fav = await sup.evaluate(async () => {
    const l = document.querySelector('link[rel=icon]');
    const r = l && await fetch(l.href);
    return r ? r.status + ' ' + r.headers.get('content-type') : 'no link';
  });
  check('pages name a favicon and it is served (' + fav + ')', /^200 image\/svg\+xml/.test(fav));

  // 1002 has no phone: the desktop says so.
  const a2 = await user('1002', 'pw1002', 'agent.html');
  await a2.waitForSelector('#conn:text("live")', { timeout: 10000 });
  await a2.waitForFunction(() => /not registered/.test(document.querySelector('#phone').textContent), null, { timeout: 5000 });
  check('an agent without a registered phone is told so: ' + await a2.textContent('#phone'), true);
  check('the desktop links to customers and the knowledge base',
    (await visible(a2, 'a[href="/customer.html"]')) === 1 && (await visible(a2, 'a[href="/kb.html"]')) === 1);
  check('and to no supervisor page', (await visible(a2, 'a[href*="wallboard"], a[href*="admin"], a[href*="planning"]')) === 0);
  for (const p of ['/customer.html', '/kb.html']) {
    await a2.goto(base + p);
    await a2.waitForFunction(() => document.querySelector('#who').textContent !== '', null, { timeout: 5000 });
    check('the agent on ' + p + ' sees no wallboard link', (await visible(a2, 'a[href*="wallboard"], a[href*="admin"]')) === 0);
  }
  for (const p of ['/wallboard.html', '/admin.html', '/planning.html']) {
    await a2.goto(base + p);
    await a2.waitForURL('**/agent.html', { timeout: 5000 });
    check('the server sends the agent from ' + p + ' back to the desktop', a2.url().endsWith('/agent.html'));
  }
  const anon = await fetch(base + '/admin.html', { redirect: 'manual' });
  check('without a session /admin.html is a redirect to the login page (' + anon.status + ' ' +
    anon.headers.get('location') + ')', anon.status === 302 && anon.headers.get('location').endsWith('/index.html'));
  const sw = await sup.evaluate(async () => (await fetch('/wallboard.html')).status);
  check('the supervisor still gets the wallboard page (' + sw + ')', sw === 200);

  // 1001 is registered but out of the queues until call 2.
  const a1 = await user('1001', 'pw1001', 'agent.html');
  await a1.waitForSelector('#conn:text("live")', { timeout: 10000 });
  await a1.click('#btn-logout-state');
  await a1.waitForSelector('#state.state-logged_out', { timeout: 5000 });

  const ag = await user('1003', 'pw1003', 'agent.html');
  await ag.waitForSelector('#conn:text("live")', { timeout: 10000 });
  await ag.waitForFunction(() => /^Phone registered/.test(document.querySelector('#phone').textContent), null, { timeout: 5000 });
  check('1003\'s registered phone is shown: ' + await ag.textContent('#phone'), true);
  check('the state in words: ' + await ag.textContent('#state'), (await ag.textContent('#state')) === 'Available');
  await ag.click('#btn-logout-state');
  await ag.waitForSelector('#state.state-logged_out', { timeout: 5000 });
  check('logged out, in words: ' + await ag.textContent('#state'), (await ag.textContent('#state')) === 'Logged out');

  // --- Call 1: IVR, queue, card, call bar --------------------------------
  const done1 = call(1);
  await sup.waitForFunction(() => {
    const t = document.querySelector('.tile[data-queue="support"]');
    const m = t && /(\d+) waiting, longest (\d+):(\d+)/.exec(t.textContent);
    return m && m[1] === '1' && Number(m[2]) * 60 + Number(m[3]) >= 3;
  }, null, { timeout: 40000 });
  const board = /longest ([0-9:]+)/.exec(await sup.textContent('.tile[data-queue="support"]'))[1];
  await ag.click('#btn-available');
  await ag.waitForSelector('#card:not(.hidden)', { timeout: 10000 });
  const w1 = await ag.textContent('#card-wait');
  check('the card\'s wait (' + w1 + ') is at least the wallboard\'s longest wait a moment before (' + board + ')',
    secs(w1) >= secs(board));
  const ivr = await ag.textContent('#card-ivr');
  check('the card shows the IVR path in words: ' + ivr, !/object/.test(ivr) && /menu \(pressed 2\)/.test(ivr) && /support/.test(ivr));
  check('a first-time caller is a new caller: ' + await ag.textContent('#card-customer') + ' / ' + await ag.textContent('#card-last'),
    /new caller/.test(await ag.textContent('#card-customer')) && (await ag.textContent('#card-last')) === 'First contact');
  await ag.waitForFunction((w) => {
    const [m, s] = document.querySelector('#card-wait').textContent.split(':').map(Number);
    return m * 60 + s >= w + 2;
  }, secs(w1), { timeout: 5000 });
  check('while the phone rings the caller\'s wait counts on: ' + await ag.textContent('#card-wait'), true);
  await shot(ag, 'desktop-card.png');

  await ag.waitForSelector('#callbar:not(.hidden)', { timeout: 10000 });
  await ag.click('#btn-mute');
  await ag.waitForSelector('#btn-mute[aria-pressed=true]', { timeout: 2000 });
  const tAnswer = Date.now();
  check('the call bar shows the caller: ' + await ag.textContent('#bar-caller'), (await ag.textContent('#bar-caller')).includes('5550177'));
  check('and the queue', (await ag.textContent('#bar-queue')) === 'support');
  check('mute: the button says Unmute and the bar says muted (' + await ag.textContent('#bar-status') + ')',
    (await ag.textContent('#btn-mute')) === 'Unmute' && /muted/.test(await ag.textContent('#bar-status')));
  check('the state in words while on a call: ' + await ag.textContent('#state'), (await ag.textContent('#state')) === 'On a call');
  await sup.waitForFunction(() => [...document.querySelectorAll('#agents tr')]
    .some((tr) => /Carol/.test(tr.cells[0].textContent) && tr.cells[1].textContent === 'On a call'), null, { timeout: 5000 });
  check('the wallboard says the agent\'s state in words too (On a call)', true);
  await ag.waitForFunction(() => document.querySelector('#bar-timer').textContent >= '0:02', null, { timeout: 5000 });
  check('the talk timer runs: ' + await ag.textContent('#bar-timer'), true);
  // The bar stays in view when the page is scrolled down to the notes.
  await ag.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
  await sleep(200);
  const top = await ag.evaluate(() => document.querySelector('#callbar').getBoundingClientRect().top);
  check('the call bar is pinned at the top when the page scrolls (top ' + top + ')', Math.abs(top) < 2);
  await shot(ag, 'desktop-callbar.png');
  // The reload keeps the bar and the mute.
  await ag.reload();
  await ag.waitForSelector('#callbar:not(.hidden)', { timeout: 10000 });
  await ag.waitForSelector('#btn-mute[aria-pressed=true]', { timeout: 5000 });
  check('after a reload the bar is back, still muted', true);

  await sleep(Math.max(0, tAnswer + 12000 - Date.now()));
  await ag.click('#btn-mute');
  await ag.waitForSelector('#btn-mute[aria-pressed=false]', { timeout: 2000 });
  check('unmute', !/muted/.test(await ag.textContent('#bar-status')));
  await sleep(Math.max(0, tAnswer + 24000 - Date.now()));
  await ag.click('#btn-hangup');
  await ag.waitForSelector('#wrapup:not(.hidden)', { timeout: 10000 });
  check('Hang up in the bar ends the call: wrap-up, the bar is gone', await ag.isHidden('#callbar'));
  await ag.selectOption('#disposition', 'resolved').catch(() => ag.selectOption('#disposition', { index: 0 }));
  await ag.click('#btn-wrap');
  await ag.waitForSelector('#state.state-available', { timeout: 5000 });
  check('the caller\'s SIPp ended cleanly (' + await done1 + ')', (await done1) === 0);
  await ag.click('#btn-away');
  await ag.waitForSelector('#state.state-away', { timeout: 5000 });
  check('away, in words with the reason: ' + await ag.textContent('#state'), /^Away: /.test(await ag.textContent('#state')));

  // --- Call 2: the same number, to 1001 ------------------------------------
  await a1.click('#btn-available');
  await a1.waitForSelector('#state.state-available', { timeout: 5000 });
  const done2 = call(2);
  await a1.waitForSelector('#card:not(.hidden)', { timeout: 15000 });
  await a1.waitForFunction(() => /Last contact/.test(document.querySelector('#card-last').textContent), null, { timeout: 5000 });
  const who2 = await a1.textContent('#card-customer');
  check('a caller with a last contact is not a "new caller" (' + who2 + ' / ' + await a1.textContent('#card-last') + ')',
    !/new caller/.test(who2));
  await a1.waitForSelector('#call:not(.hidden)', { timeout: 10000 });
  await a1.waitForFunction(() => !document.querySelector('#cust').classList.contains('hidden'), null, { timeout: 5000 });
  check('nor in the customer panel (' + await a1.textContent('#cust-prov') + ')', !/new caller/.test(await a1.textContent('#cust-prov')));
  await shot(a1, 'desktop-second-call.png');
  check('the second caller\'s SIPp ended cleanly', (await done2) === 0);
} finally {
  for (const c of callers) if (c.exitCode === null) c.kill();
  for (const b of open) await b.close();
}
done();
