// Numbers and trunks in the administration page (see web_admin_dial.sh):
// what the forms save is read back through the API.
import { launch, check, done, login, artifacts } from './lib_browser.mjs';
import { join } from 'node:path';

const base = 'http://127.0.0.1:' + process.env.SB_HTTP_PORT;
const b = await launch();
const page = b.page;
const api = (path) => page.evaluate(async (p) => {
  const r = await fetch('/api/v1' + p);
  return { status: r.status, body: r.ok ? await r.json() : null };
}, path);
// Deletes the row of key: it goes, or the test fails with the page's error.
async function del(key, what) {
  page.once('dialog', (d) => d.accept());
  await page.click('#tbody tr[data-key="' + key + '"] button:text("Delete")');
  await page.waitForFunction((k) => !document.querySelector('#tbody tr[data-key="' + k + '"]') ||
    document.querySelector('#err').textContent, key, { timeout: 5000 });
  const err = await page.textContent('#err');
  check(what + (err ? ': ' + err : ''), !err);
}
async function save(what) {
  await page.press('#edit button[type=submit]', 'Enter');
  await page.waitForSelector('#editor.hidden, #edit-err:not(:empty)', { state: 'attached', timeout: 5000 });
  const err = await page.textContent('#edit-err');
  check(what + (err ? ': ' + err : ''), await page.isHidden('#editor'));
}
try {
  await login(page, base, 'admin', 'pwadmin');
  await page.waitForURL('**/admin.html', { timeout: 10000 });
  for (const p of ['/numbers', '/trunks']) {
    const r = await api(p);
    check('the server has GET /api/v1' + p + ' (' + r.status + ')', r.status === 200);
  }

  // --- Numbers ----------------------------------------------------------------
  await page.click('#tab-numbers');
  await page.waitForSelector('#tbody tr[data-key="5000"]', { timeout: 5000 });
  const n5000 = await page.textContent('#tbody tr[data-key="5000"]');
  check('the demo number 5000 is listed with its flow in words: ' + n5000, /IVR flow demo-5000/.test(n5000));
  check('the numbers tab says when a change applies', /next call to this number/.test(await page.textContent('#panel-about')));
  await page.click('#btn-new');
  await page.waitForSelector('#editor:not(.hidden) #edit input[name=number]');
  await page.fill('#edit input[name=number]', '5009');
  await page.selectOption('#edit select[name=kind]', 'queue');
  check('"answered by a queue" shows the queue select and hides the flow select',
    await page.isVisible('#edit select[name=queue]') && await page.isHidden('#edit select[name=flow]'));
  await page.selectOption('#edit select[name=queue]', 'sales');
  await save('a number is added through the form');
  let nums = (await api('/numbers')).body;
  check('5009 leads to the queue sales: ' + JSON.stringify(nums.find((n) => n.number === '5009')),
    nums.some((n) => n.number === '5009' && n.queue === 'sales' && !n.flow));
  await page.click('#tbody tr[data-key="5009"] button:text("Edit")');
  await page.waitForSelector('#editor:not(.hidden) #edit select[name=kind]');
  check('the number cannot be changed in its form', await page.$eval('#edit input[name=number]', (i) => i.readOnly));
  await page.selectOption('#edit select[name=kind]', 'flow');
  await page.selectOption('#edit select[name=flow]', 'demo-5000');
  await save('the number is led to a flow');
  nums = (await api('/numbers')).body;
  check('5009 now leads to the flow demo-5000: ' + JSON.stringify(nums.find((n) => n.number === '5009')),
    nums.some((n) => n.number === '5009' && n.flow === 'demo-5000' && !n.queue));
  await page.screenshot({ path: join(artifacts, 'admin-numbers.png'), fullPage: true });
  await del('5009', 'the number is deleted from the list');
  check('and from the server', !(await api('/numbers')).body.some((n) => n.number === '5009'));

  // --- Trunks -----------------------------------------------------------------
  await page.click('#tab-trunks');
  await page.waitForSelector('#btn-new', { timeout: 5000 });
  await page.click('#btn-new');
  await page.waitForSelector('#editor:not(.hidden) #edit input[name=name]');
  check('the trunk form says when a change applies', /calls in progress are not affected/.test(await page.textContent('#edit-applies')));
  await page.fill('#edit input[name=name]', 'carrier');
  await page.fill('#edit input[name=source_addr]', '192.0.2.10');
  await page.fill('#edit input[name=username]', 'sbuser');
  await page.fill('#edit input[name=password]', 's3cret-pass');
  await page.check('#edit input[name=outbound]');
  await page.fill('#edit input[name=outbound_addr]', '192.0.2.10:5060');
  await page.fill('#edit input[name=caller_id]', '+15550100');
  await page.fill('#edit textarea[name=allow]', '+1\n+44');
  await page.fill('#edit textarea[name=deny]', '+1900');
  await save('a trunk is added through the form');
  let t = (await api('/trunks')).body.find((x) => x.name === 'carrier');
  check('saved with its prefixes and a write-only password: ' + JSON.stringify(t),
    t && t.source_addr === '192.0.2.10' && t.outbound && t.outbound_addr === '192.0.2.10:5060' &&
    t.has_password && !('password' in t) && t.allow.join(' ') === '+1 +44' && t.deny.join(' ') === '+1900' && !t.trusted);
  await page.waitForSelector('#tbody tr[data-key="' + t.id + '"]', { timeout: 5000 });
  const row = await page.textContent('#tbody tr[data-key="' + t.id + '"]');
  check('listed with its prefixes: ' + row, /\+1 \+44/.test(row) && /\+1900/.test(row));
  await page.click('#tbody tr[data-key="' + t.id + '"] button:text("Edit")');
  await page.waitForSelector('#editor:not(.hidden) #edit input[name=name]');
  check('the password is not shown, the form says one is set',
    (await page.inputValue('#edit input[name=password]')) === '' && /password is set/.test(await page.textContent('#edit')));
  await page.check('#edit input[name=trusted]');
  await page.fill('#edit input[name=caller_id]', '');
  await page.fill('#edit textarea[name=allow]', '+1');
  await save('the trunk is changed');
  t = (await api('/trunks')).body.find((x) => x.name === 'carrier');
  check('trusted, caller ID cleared, one allow prefix, password kept: ' + JSON.stringify(t),
    t.trusted && !t.caller_id && t.allow.join(' ') === '+1' && t.has_password);
  await page.screenshot({ path: join(artifacts, 'admin-trunks.png'), fullPage: true });
  await del(t.id, 'the trunk is deleted from the list');
  check('and from the server', !(await api('/trunks')).body.some((x) => x.name === 'carrier'));
} finally {
  await b.close();
}
done();
