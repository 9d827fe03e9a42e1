// Attended transfer through the desktops (see web_consult.sh).
import { launch, check, done, login, artifacts } from './lib_browser.mjs';
import { spawn } from 'node:child_process';
import { join } from 'node:path';

const base = 'http://127.0.0.1:' + process.env.SB_HTTP_PORT;
const shot = (page, name) => page.screenshot({ path: join(artifacts, name), fullPage: true });
const open = [];
let caller = null;
try {
  const b3 = await launch(); open.push(b3);
  const a3 = b3.page;
  await login(a3, base, '1003', 'pw1003');
  await a3.waitForURL('**/agent.html', { timeout: 10000 });
  await a3.waitForSelector('#conn:text("live")', { timeout: 10000 });
  const b1 = await launch(); open.push(b1);
  const a1 = b1.page;
  await login(a1, base, '1001', 'pw1001');
  await a1.waitForURL('**/agent.html', { timeout: 10000 });
  await a1.waitForSelector('#conn:text("live")', { timeout: 10000 });

  caller = spawn('bash', ['-c', process.env.SB_CALL], { stdio: 'ignore' });
  const callerDone = new Promise((res) => caller.on('exit', (code) => res(code)));
  await a3.waitForSelector('#call:not(.hidden)', { timeout: 10000 });
  check('1003 has the call', true);
  // Muted for the caller, the agent is still heard by the colleague.
  await a3.waitForSelector('#callbar:not(.hidden)', { timeout: 5000 });
  await a3.click('#btn-mute');
  await a3.waitForSelector('#btn-mute[aria-pressed=true]', { timeout: 5000 });
  await a3.fill('#consult-target', '1001');
  await a3.click('#btn-consult');
  await a1.waitForSelector('#consult-in:not(.hidden)', { timeout: 5000 });
  const txt = await a1.textContent('#consult-in-text');
  check('1001\'s desktop: who consults about which caller (' + txt + ')',
    /Carol|1003|agent/.test(txt) && txt.includes('5550444'));
  await a3.waitForSelector('#consult-status:text("ringing")', { timeout: 5000 });
  check('1003\'s desktop: ringing 1001, the caller on hold', true);
  await a3.waitForSelector('#btn-consult-complete:not(.hidden)', { timeout: 10000 });
  check('1001\'s phone answers: Complete offered', true);
  check('muting was for the caller: the consult unmutes (' + await a3.textContent('#btn-mute') + ')',
    (await a3.getAttribute('#btn-mute', 'aria-pressed')) === 'false');
  await shot(a3, 'consult-talking.png');
  await a3.click('#btn-consult-complete');
  await a1.waitForSelector('#call:not(.hidden)', { timeout: 10000 });
  check('the call is on 1001\'s desktop', await a1.isHidden('#consult-in'));
  await a3.waitForSelector('#wrapup:not(.hidden)', { timeout: 10000 });
  check('1003\'s desktop moves on to wrap-up', await a3.isHidden('#btn-consult-complete'));
  await shot(a1, 'consult-completed.png');
  check('the caller stayed on to the end', (await callerDone) === 0);
} finally {
  if (caller && caller.exitCode === null) caller.kill();
  for (const b of open) await b.close();
}
done();
