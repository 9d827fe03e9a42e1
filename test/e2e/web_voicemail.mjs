// A voicemail on the agent desktop (see web_voicemail.sh): the agent logs
// in, the phone (SB_PHONE) registers and answers the voicemail task, the
// current contact shows the message as audio that the page can fetch.
import { launch, check, done, login } from './lib_browser.mjs';
import { spawn } from 'node:child_process';

const base = 'http://127.0.0.1:' + process.env.SB_HTTP_PORT;
let browser = null;
let phone = null;
try {
  browser = await launch();
  const agent = browser.page;
  await login(agent, base, '1004', 'pw1004');
  await agent.waitForURL('**/agent.html', { timeout: 10000 });
  await agent.waitForSelector('#conn:text("live")', { timeout: 10000 });
  check('the agent is on the desktop', true);
  phone = spawn('bash', ['-c', process.env.SB_PHONE], { stdio: 'ignore' });
  await agent.waitForSelector('#call:not(.hidden)', { timeout: 20000 });
  await agent.waitForSelector('#call-voicemail:not(.hidden)', { timeout: 5000 });
  check('the voicemail is the current contact, with its audio', true);
  const got = await agent.evaluate(async () => {
    const src = document.querySelector('#call-voicemail').src;
    const r = await fetch(src);
    const b = await r.arrayBuffer();
    const h = new TextDecoder().decode(b.slice(0, 4)) + new TextDecoder().decode(b.slice(8, 12));
    return { status: r.status, type: r.headers.get('content-type'), n: b.byteLength, h, src };
  });
  check('the page fetches it: 200 ' + got.type + ', ' + got.n + ' bytes (' + got.src + ')',
    got.status === 200 && got.type === 'audio/wav' && got.n > 16000 && got.h === 'RIFFWAVE');
  done();
} finally {
  if (phone) phone.kill();
  if (browser) await browser.close();
}
