// Browser test of the knowledge page (web/kb.html) for writers: a team
// leader writes an article with the form (the preview is the server's
// sanitised rendering, live), saves it as a draft, edits it (version 2);
// a supervisor publishes it and sends it to the sales queue as a
// required read, and watches who has read it as an agent acknowledges;
// an agent marks it outdated and it lands on the owner's review list,
// where "Reviewed" clears it. An agent on the page gets the search only.
import { launch, check, done, login, artifacts } from './lib_browser.mjs';
import { join } from 'node:path';

const base = 'http://127.0.0.1:' + process.env.SB_HTTP_PORT;
const shot = (p, name) => p.screenshot({ path: join(artifacts, name), fullPage: true });
async function token(user, pw) {
  const r = await fetch(base + '/api/v1/login', { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: user, password: pw }) });
  return (await r.json()).token;
}
async function api(tok, method, path, body) {
  const r = await fetch(base + '/api/v1' + path, { method,
    headers: { Authorization: 'Bearer ' + tok, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body) });
  const d = await r.json();
  if (!r.ok) throw new Error(method + ' ' + path + ' ' + r.status + ' ' + JSON.stringify(d));
  return d;
}

const open = [];
async function user(name, pw) {
  const b = await launch(); open.push(b);
  await login(b.page, base, name, pw);
  await b.page.waitForURL((u) => !u.pathname.endsWith('/index.html'), { timeout: 10000 });
  await b.page.goto(base + '/kb.html');
  return b.page;
}
try {
  const admin = await token('admin', 'pwadmin');
  await api(admin, 'POST', '/accounts', { username: 'lead', password: 'pwlead123', role: 'team_leader' });
  const lead = await user('lead', 'pwlead123');
  await lead.waitForSelector('#w-list:not(.hidden) #w-articles tr', { timeout: 10000 });
  check('a team leader sees the articles (the demo ones listed)', (await lead.$$('#w-articles tr')).length >= 8);
  await lead.click('#w-new');
  await lead.fill('#w-title', 'Change a delivery address');
  await lead.fill('#w-tags', 'support delivery');
  await lead.click('#w-body');
  await lead.keyboard.type('# Change the address\n\n1. **Verify** the caller\n2. Edit the order <script>alert(1)</script>');
  await lead.waitForFunction(() => document.querySelector('#w-preview ol li strong'), null, { timeout: 5000 });
  const pv = await lead.innerHTML('#w-preview');
  check('the preview renders as typed', pv.includes('<strong>Verify</strong>'));
  check('and shows the script tag as text', pv.includes('&lt;script&gt;') && !/<script/i.test(pv));
  await lead.click('#w-save');
  await lead.waitForSelector('#w-state:text("saved: version 1")', { timeout: 5000 });
  check('saved as a draft, version 1', (await lead.textContent('#w-edit-h')).includes('draft'));
  check('a team leader may not publish (no button)', await lead.$eval('#w-publish', (e) => e.classList.contains('hidden')));
  await lead.fill('#w-title', 'Change a delivery address (before dispatch)');
  await lead.click('#w-save');
  await lead.waitForSelector('#w-state:text("saved: version 2")', { timeout: 5000 });
  await lead.waitForFunction(() => document.querySelectorAll('#w-versions li').length === 2, null, { timeout: 5000 });
  check('an edit saves version 2 (both listed)', true);
  await shot(lead, 'kb-writer-edit.png');

  const sup = await user('super', 'pwsuper');
  await sup.waitForSelector('#w-articles button.w-open:text("Change a delivery address (before dispatch)")', { timeout: 10000 });
  await sup.click('#w-articles button.w-open:text("Change a delivery address (before dispatch)")');
  await sup.waitForSelector('#w-publish:not(.hidden)', { timeout: 5000 });
  await sup.click('#w-publish');
  await sup.waitForSelector('#w-state:text("agents see version 2")', { timeout: 5000 });
  check('the supervisor publishes it', (await sup.textContent('#w-edit-h')).includes('published'));
  await sup.selectOption('#w-mtarget', 'sales');
  await sup.fill('#w-mnote', 'New rule');
  await sup.click('#w-msend');
  await sup.waitForSelector('#w-state:text("sent to 2 agents")', { timeout: 5000 });
  await sup.waitForSelector('#w-readers:not(.hidden) #w-rlist tr', { timeout: 5000 });
  check('the readers table lists the 2 sales agents, none has read it',
    (await sup.textContent('#w-readers-h')).includes('0 of 2'));
  const ag = await token('1001', 'pw1001');
  const req = await api(ag, 'GET', '/kb/required');
  await api(ag, 'POST', '/kb/mailouts/' + req[0].mailout_id + '/ack');
  await sup.click('#w-mlist button.w-readers');
  await sup.waitForSelector('#w-readers-h:text("1 of 2")', { timeout: 5000 });
  check('after agent 1001 acknowledges: 1 of 2, 1002 not yet',
    (await sup.textContent('#w-rlist tr[data-agent="1002"]')).includes('not yet'));
  await shot(sup, 'kb-writer-mailout.png');

  // Outdated: to the owner's review list, cleared by a review.
  await api(ag, 'POST', '/kb/articles/' + req[0].article_id + '/feedback', { kind: 'outdated', comment: 'couriers changed' });
  await lead.reload();
  await lead.waitForSelector('#w-rev li', { timeout: 5000 });
  check('the owner\'s review list shows the agent\'s comment', (await lead.textContent('#w-rev')).includes('couriers changed'));
  await lead.click('#w-rev li button:text("Reviewed")');
  await lead.waitForFunction(() => !/couriers changed/.test(document.querySelector('#w-rev').textContent), null, { timeout: 5000 });
  check('"Reviewed" clears it', true);

  const agent = await user('1002', 'pw1002');
  await agent.waitForSelector('#kb-q', { timeout: 10000 });
  check('an agent on the page gets the search, not the writers\' tools',
    await agent.$eval('#w-list', (e) => e.classList.contains('hidden')));
  await agent.waitForSelector('#kb-required-box:not(.hidden)', { timeout: 5000 });
  check('and their required read', (await agent.textContent('#kb-required')).includes('New rule'));
} finally {
  for (const b of open) await b.close();
}
done();
