// After a server crash (see crm_notes_kill9.sh): the agent desktop lists
// the interrupted interaction SB_IID with the notes saved (SB_NOTES); the
// agent opens it, adds to the notes and wraps it up.
import { launch, check, done, login, artifacts } from './lib_browser.mjs';
import { join } from 'node:path';

const base = 'http://127.0.0.1:' + process.env.SB_HTTP_PORT;
const iid = process.env.SB_IID, notes = process.env.SB_NOTES;
let b = null;
try {
  b = await launch();
  const agent = b.page;
  await login(agent, base, '1003', 'pw1003');
  await agent.waitForURL('**/agent.html', { timeout: 10000 });
  await agent.waitForSelector('#unfinished-s:not(.hidden)', { timeout: 10000 });
  const item = await agent.textContent('#unfinished');
  check('the interrupted contact is in the list to finish', item.includes('Finish #' + iid));
  check('with the customer and the start of the notes', item.includes('Ada Lovelace') && item.includes(notes.slice(0, 40)));
  await agent.screenshot({ path: join(artifacts, 'crm-unfinished.png'), fullPage: true });
  await agent.click('#unfinished button');
  await agent.waitForSelector('#call:not(.hidden)', { timeout: 5000 });
  await agent.waitForFunction((n) => document.querySelector('#notes').value === n, notes, { timeout: 5000 });
  check('opened: the notes typed before the crash are there', true);
  check('wrap-up offered', await agent.isVisible('#wrapup'));
  await agent.fill('#notes', notes + ' Done.');
  await agent.selectOption('#disposition', 'follow_up');
  await agent.click('#btn-wrap');
  await agent.waitForSelector('#unfinished-s.hidden', { state: 'attached', timeout: 5000 });
  check('wrapped up: off the list', true);
  done();
} catch (e) {
  console.error('FAIL: ' + (e && e.stack || e));
  process.exitCode = 1;
} finally {
  if (b) await b.close().catch(() => {});
}
