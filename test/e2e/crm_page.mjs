// The customers page (see crm_page.sh).
import { launch, check, done, login, artifacts } from './lib_browser.mjs';
import { join } from 'node:path';

const base = 'http://127.0.0.1:' + process.env.SB_HTTP_PORT;
const shot = (page, name) => page.screenshot({ path: join(artifacts, name), fullPage: true });
const csv = (rows) => ({ name: 'customers.csv', mimeType: 'text/csv',
  buffer: Buffer.from('Full Name,phone,email,tier\n' + rows.join('\n') + '\n') });
const open = [];
try {
  const sb = await launch(); open.push(sb);
  const p = sb.page;
  await login(p, base, 'super', 'pwsuper');
  await p.waitForURL('**/wallboard.html', { timeout: 10000 });
  await p.goto(base + '/customer.html');
  await p.waitForSelector('#import:not(.hidden)', { timeout: 5000 });
  check('a supervisor sees import and export', true);

  const bad = csv(['Alan Turing,+44 20 7946 0123,alan@example.org,VIP', 'Bad Number,not a number,b@example.org,standard',
    'Alan M. Turing,,turing@example.org,standard']);
  await p.fill('#mapping', 'Full Name:name');
  await p.setInputFiles('#csv', bad);
  await p.click('#btn-dry');
  await p.waitForFunction(() => /3 rows, 2 valid, 1 with problems/.test(document.querySelector('#imp-summary').textContent), null, { timeout: 5000 });
  const err = await p.textContent('#imp-errors');
  check('the dry run lists the bad row with its line and column (' + err.trim() + ')', /^3phone/.test(err.trim()) && /not a valid phone/.test(err));
  await shot(p, 'crm-page-dry-run.png');
  await p.click('#btn-import');
  await p.waitForFunction(() => /nothing imported/.test(document.querySelector('#imp-summary').textContent), null, { timeout: 5000 });
  check('the import with a bad row is refused whole', true);
  await p.setInputFiles('#csv', csv(['Alan Turing,+44 20 7946 0123,alan@example.org,VIP',
    'Alan M. Turing,,turing@example.org,standard']));
  await p.click('#btn-import');
  await p.waitForFunction(() => /2 rows, 2 valid, 0 with problems: 2 imported/.test(document.querySelector('#imp-summary').textContent), null, { timeout: 5000 });
  check('the fixed file imports', true);

  await p.fill('#q', 'turi');
  await p.waitForFunction(() => document.querySelectorAll('#results li').length === 2, null, { timeout: 5000 });
  check('search as typed finds both by a word of the name', true);
  await p.click('#results li:has-text("Alan M. Turing") a');
  await p.waitForSelector('#detail:not(.hidden)', { timeout: 5000 });
  const otherId = (await p.textContent('#d-id')).replace('#', '');
  await p.fill('#q', '+44 20 7946 01');
  await p.waitForFunction(() => /Alan Turing/.test(document.querySelector('#results').textContent), null, { timeout: 5000 });
  await p.click('#results li:has-text("Alan Turing") a');
  await p.waitForFunction(() => document.querySelector('#d-name').textContent === 'Alan Turing', null, { timeout: 5000 });
  check('found by number typed in part; the record shows VIP and the E.164 number',
    await p.isVisible('#d-vip') && /\+442079460123/.test(await p.textContent('#d-fields')));
  await p.fill('#merge-from', otherId);
  await p.click('#btn-merge');
  await p.waitForFunction(() => /turing@example\.org/.test(document.querySelector('#d-fields').textContent), null, { timeout: 5000 });
  check('merge: the other record\'s e-mail is now on this one', /alan@example\.org/.test(await p.textContent('#d-fields')));
  await shot(p, 'crm-page-customer.png');
  const exported = await p.evaluate(async () => (await fetch('/api/v1/customers/export')).text());
  check('export: Alan Turing in the CSV, the merged one not', /Alan Turing/.test(exported) && !/Alan M\. Turing/.test(exported));

  const ab = await launch(); open.push(ab);
  const a = ab.page;
  await login(a, base, '1001', 'pw1001');
  await a.waitForURL('**/agent.html', { timeout: 10000 });
  await a.goto(base + '/customer.html?id=1');
  await a.waitForSelector('#detail:not(.hidden)', { timeout: 5000 });
  check('an agent opens a record (' + await a.textContent('#d-name') + ')', true);
  check('but sees no import, merge or delete', await a.isHidden('#import') && await a.isHidden('#d-manage'));
  done();
} catch (e) {
  console.error('FAIL: ' + (e && e.stack || e));
  process.exitCode = 1;
} finally {
  for (const b of open) await b.close().catch(() => {});
}
