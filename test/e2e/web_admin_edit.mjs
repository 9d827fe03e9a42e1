// The administration page's edit forms (see web_admin_edit.sh): what the
// forms save is read back through the API.
import { launch, check, done, login, artifacts } from './lib_browser.mjs';
import { join } from 'node:path';

const base = 'http://127.0.0.1:' + process.env.SB_HTTP_PORT;
const b = await launch();
const page = b.page;
// Saves the open form: the editor closes, or the test fails with its error.
// (Enter on the button: a click may first only close the skill names'
// suggestion list.)
async function save(what) {
  await page.press('#edit button[type=submit]', 'Enter');
  await page.waitForSelector('#editor.hidden, #edit-err:not(:empty)', { state: 'attached', timeout: 5000 });
  const err = await page.textContent('#edit-err');
  check(what + (err ? ': ' + err : ''), await page.isHidden('#editor'));
}
const api = (path) => page.evaluate(async (p) => (await fetch('/api/v1' + p)).json(), path);
try {
  await login(page, base, 'admin', 'pwadmin');
  await page.waitForURL('**/admin.html', { timeout: 10000 });
  await page.waitForSelector('#tbody tr[data-key="1001"]', { timeout: 10000 });

  // --- Agents ---------------------------------------------------------------
  const heads = await page.$$eval('#thead th', (v) => v.map((x) => x.textContent));
  check('the agents table has human column names (' + heads.join(', ') + ')',
    heads.includes('Extension') && heads.includes('Name') && !heads.includes('enabled'));
  await page.click('#tbody tr[data-key="1001"] button:text("Edit")');
  await page.waitForSelector('#editor:not(.hidden) #edit input[name=name]');
  check('the agent form says when a change applies: ' + await page.textContent('#edit-applies'),
    /next call/.test(await page.textContent('#edit-applies')) && /in progress are not affected/.test(await page.textContent('#edit-applies')));
  const skills0 = await page.$$eval('#skills-rows .rows-item [name=skill]', (v) => v.map((x) => x.value));
  check('the agent\'s skills are rows (' + skills0.join(', ') + ')', skills0.includes('sales'));
  await page.fill('#edit input[name=name]', 'Alice Smith');
  // remove the sales skill, add french at level 7
  await page.$$eval('#skills-rows .rows-item', (rows) => rows.find((r) =>
    r.querySelector('[name=skill]').value === 'sales').querySelector('button[aria-label^=remove]').click());
  await page.click('#skills-rows button:text("Add a skill")');
  await page.fill('#skills-rows .rows-item:last-child input[name=skill]', 'french');
  await page.fill('#skills-rows .rows-item:last-child input[name=level]', '7');
  await page.screenshot({ path: join(artifacts, 'admin-edit-agent.png'), fullPage: true });
  await save('the agent form saves');
  const alice = (await api('/agents')).find((a) => a.id === 1001);
  check('the edit is saved: ' + JSON.stringify({ name: alice.name, skills: alice.skills }),
    alice.name === 'Alice Smith' && alice.skills.french === 7 && !('sales' in alice.skills));
  await page.waitForSelector('#tbody tr[data-key="1001"] td:text("Alice Smith")', { timeout: 5000 });
  check('and listed', /french:7/.test(await page.textContent('#tbody tr[data-key="1001"]')));
  // a server refusal is shown in the form
  await page.click('#tbody tr[data-key="1002"] button:text("Edit")');
  await page.waitForSelector('#editor:not(.hidden) #edit input[name=name]');
  await page.click('#skills-rows button:text("Add a skill")');
  await page.fill('#skills-rows .rows-item:last-child input[name=skill]', 'sales');
  await page.fill('#skills-rows .rows-item:last-child input[name=level]', '4');
  await page.$eval('#edit', (f) => { f.noValidate = true; });
  await page.fill('#skills-rows .rows-item:last-child input[name=skill]', 'Bad Skill');
  await page.press('#edit button[type=submit]', 'Enter');
  await page.waitForSelector('#edit-err:not(:empty)', { timeout: 5000 });
  check('the server\'s reason is shown in the form: ' + await page.textContent('#edit-err'),
    /skill/.test(await page.textContent('#edit-err')));
  await page.click('#edit button:text("Cancel")');

  // --- Queues ---------------------------------------------------------------
  await page.click('#tab-queues');
  await page.waitForSelector('#tbody tr td:text("support")', { timeout: 5000 });
  const qh = await page.$$eval('#thead th', (v) => v.map((x) => x.textContent));
  check('the queues table has human column names (' + qh.join(', ') + ')',
    qh.includes('Strategy') && qh.includes('Service level target') && !qh.some((h) => /_/.test(h)));
  const support = (await api('/queues')).find((q) => q.name === 'support');
  await page.click('#tbody tr[data-key="' + support.id + '"] button:text("Edit")');
  await page.waitForSelector('#editor:not(.hidden) #edit select[name=strategy]');
  const strategies = await page.$$eval('#edit select[name=strategy] option', (v) => v.map((x) => x.value));
  check('the strategy is a select of the eight strategies (' + strategies.join(', ') + ')', strategies.length === 8 &&
    ['longest_idle', 'round_robin', 'fewest_calls', 'least_occupied', 'highest_skill', 'ring_all', 'random', 'top_down']
      .every((s) => strategies.includes(s)));
  const overflow = await page.$$eval('#edit select[name=overflow_queue] option', (v) => v.map((x) => x.value));
  check('the overflow queue is a select of the other queues (' + overflow.join(', ') + ')',
    overflow.includes('sales') && !overflow.includes('support'));
  check('the queue form says when a change applies', /calls in progress are not affected/.test(await page.textContent('#edit-applies')));
  const members0 = await page.$$eval('#members-rows .rows-item', (v) => v.length);
  check('the members are rows, one per member (' + members0 + ')', members0 === support.members.length);
  await page.selectOption('#edit select[name=strategy]', 'round_robin');
  await page.selectOption('#edit select[name=overflow_queue]', 'sales');
  await page.fill('#edit input[name=wrapup_s]', '45');
  await page.click('#members-rows button:text("Add a member")');
  const opts = await page.$$eval('#members-rows .rows-item:last-child select[name=agent_id] option', (v) => v.map((x) => x.textContent));
  check('a new member row has a select of the agents by name (' + opts.join(', ') + ')', opts.length === 4 && opts.includes('Dave 1004 (1004)'));
  const dup = String(support.members[0].agent_id);
  await page.selectOption('#members-rows .rows-item:last-child select[name=agent_id]', dup);
  await page.press('#edit button[type=submit]', 'Enter');
  await page.waitForSelector('#edit-err:not(:empty)', { timeout: 5000 });
  check('an agent listed twice is named before anything is sent: ' + await page.textContent('#edit-err'),
    /twice/.test(await page.textContent('#edit-err')));
  const newcomer = [1001, 1002, 1003, 1004].find((id) => !support.members.some((m) => m.agent_id === id));
  await page.selectOption('#members-rows .rows-item:last-child select[name=agent_id]', String(newcomer));
  await page.fill('#members-rows .rows-item:last-child input[name=level]', '3');
  await page.screenshot({ path: join(artifacts, 'admin-edit-queue.png'), fullPage: true });
  await save('the queue form saves');
  const s2 = (await api('/queues')).find((q) => q.name === 'support');
  check('the queue is saved: ' + JSON.stringify({ strategy: s2.strategy, overflow: s2.overflow_queue, wrapup: s2.wrapup_s }),
    s2.strategy === 'round_robin' && s2.overflow_queue === 'sales' && s2.wrapup_s === 45);
  check('with the new member at level 3 and the others kept (' + s2.members.map((m) => m.agent_id + ':' + m.level).join(' ') + ')',
    s2.members.some((m) => m.agent_id === newcomer && m.level === 3) && s2.members.length === support.members.length + 1);
  await page.waitForSelector('#tbody td:text("Round robin")', { timeout: 5000 });
  check('the table names the strategy in words', true);
  // "(none)" clears the overflow queue and an empty skill the requirement
  await page.click('#tbody tr[data-key="' + support.id + '"] button:text("Edit")');
  await page.waitForSelector('#editor:not(.hidden) #edit select[name=overflow_queue]');
  await page.selectOption('#edit select[name=overflow_queue]', '');
  await page.fill('#edit input[name=skill]', '');
  await save('the queue form saves the cleared fields');
  const s3 = (await api('/queues')).find((q) => q.name === 'support');
  check('no overflow queue and no required skill any more (' + s3.overflow_queue + ', ' + s3.skill + ')',
    s3.overflow_queue === null && s3.skill === null && s3.strategy === 'round_robin');

  // --- IVR flows ------------------------------------------------------------
  await page.click('#tab-flows');
  await page.waitForSelector('#tbody tr[data-key="demo-5000"]', { timeout: 5000 });
  await page.click('#tbody tr[data-key="demo-5000"] button:text("Edit")');
  await page.waitForSelector('#editor:not(.hidden) #edit textarea[name=definition]');
  const v1 = (await api('/flows/demo-5000')).version;
  // A node leading nowhere: the server's problems with their paths.
  await page.$eval('#edit textarea[name=definition]', (t) => {
    const d = JSON.parse(t.value); d.nodes.lookup_sales.next = 'nowhere'; t.value = JSON.stringify(d, null, 2);
  });
  await page.press('#edit button[type=submit]', 'Enter');
  await page.waitForSelector('#edit-problems li', { timeout: 5000 });
  const probs = await page.$$eval('#edit-problems li', (v) => v.map((x) => x.textContent));
  check('a flow with a problem is refused and the problem shown with its path: ' + probs.join(' | '),
    probs.some((p) => p.includes('$.nodes.lookup_sales.next')));
  check('the editor stays open with the text', !(await page.isHidden('#editor')));
  await page.screenshot({ path: join(artifacts, 'admin-edit-flow.png'), fullPage: true });
  await page.$eval('#edit textarea[name=definition]', (t) => { t.value = '{"nodes": '; });
  await page.press('#edit button[type=submit]', 'Enter');
  await page.waitForFunction(() => /not valid JSON/.test(document.querySelector('#edit-err').textContent), null, { timeout: 5000 });
  check('text that is not JSON is named so before it is sent', true);
  check('nothing was saved', (await api('/flows/demo-5000')).version === v1);
  await page.click('#edit button:text("Cancel")');
  await page.click('#tbody tr[data-key="demo-5000"] button:text("Edit")');
  await page.waitForSelector('#editor:not(.hidden) #edit textarea[name=definition]');
  await page.$eval('#edit textarea[name=definition]', (t) => {
    const d = JSON.parse(t.value); d.nodes.menu.timeout_s = 7; t.value = JSON.stringify(d, null, 2);
  });
  await save('the flow editor saves');
  const f2 = await api('/flows/demo-5000');
  check('a good flow is saved as a new version (' + v1 + ' -> ' + f2.version + ')',
    f2.version === v1 + 1 && f2.definition.nodes.menu.timeout_s === 7);
  await page.click('#btn-new');
  await page.waitForSelector('#editor:not(.hidden) #edit input[name=name]');
  await page.fill('#edit input[name=name]', 'after-hours');
  await save('the new flow form saves (' + await page.$$eval('#edit-problems li', (v) => v.map((x) => x.textContent).join(' | ')) + ')');
  await page.waitForSelector('#tbody tr[data-key="after-hours"]', { timeout: 5000 });
  check('a new flow is created from the starting definition', (await api('/flows/after-hours')).version === 1);
} finally {
  await b.close();
}
done();
