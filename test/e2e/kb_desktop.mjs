// Browser test of the knowledge base on the agent desktop: the agent types
// a (misspelt, unfinished) word into the search box and sees the procedure
// with its matches marked, opens it and marks it helpful; a supervisor
// publishes a hostile article and pushes it as a required read to the
// agent's queue: it appears on the desktop at once (event), the agent
// opens it (nothing in it runs), acknowledges it and it goes away, and
// the supervisor sees who has read it. Suggestions for a task that pops
// are shown from the pop's queue and IVR path. Screenshots in artifacts/.
import { launch, check, done, login, artifacts } from './lib_browser.mjs';
import { join } from 'node:path';

const base = 'http://127.0.0.1:' + process.env.SB_HTTP_PORT;
const shot = (p, name) => p.screenshot({ path: join(artifacts, name), fullPage: true });

async function api(token, method, path, body) {
  const r = await fetch(base + '/api/v1' + path, {
    method, headers: { Authorization: 'Bearer ' + token, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await r.json();
  if (!r.ok) throw new Error(method + ' ' + path + ': ' + r.status + ' ' + JSON.stringify(data));
  return data;
}

const b = await launch();
try {
  const sup = (await (await fetch(base + '/api/v1/login', {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: 'super', password: 'pwsuper' }),
  })).json()).token;
  check('the supervisor logs in through the API', !!sup);

  const page = b.page;
  await login(page, base, '1001', 'pw1001');
  await page.waitForURL('**/agent.html', { timeout: 10000 });
  await page.waitForSelector('#kb-q', { timeout: 10000 });
  await page.waitForSelector('#conn:text("live")', { timeout: 10000 });
  check('the desktop has the knowledge base search box', true);

  // Search as one types: a typo in an unfinished word.
  await page.click('#kb-q');
  await page.keyboard.type('reset pasw', { delay: 60 });
  await page.waitForSelector('#kb-results button.kb-hit', { timeout: 5000 });
  const first = await page.textContent('#kb-results li:first-child button');
  check('typing "reset pasw" finds "' + first + '"', first === "Reset a customer's password");
  check('the match is marked in the title',
    (await page.innerHTML('#kb-results li:first-child button')).includes('<mark>Reset</mark>'));
  await shot(page, 'kb-search.png');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#kb-article:not(.hidden)', { timeout: 5000 });
  check('the keyboard opens the article', (await page.textContent('#kb-article-title')) === "Reset a customer's password");
  check('its body is the rendered procedure (a list, bold)',
    await page.$eval('#kb-article-body', (e) => !!e.querySelector('ol li strong')));
  await page.click('#kb-helpful');
  await page.waitForSelector('#kb-article-status:text("helpful")', { timeout: 5000 });
  const art = await api(sup, 'GET', '/kb/articles/' + (await page.getAttribute('#kb-article', 'data-id')));
  check('the helpful mark reached the server', art.helpful === 1);

  // A hostile article pushed as a required read to the sales queue.
  const hostile = await api(sup, 'POST', '/kb/articles', {
    title: 'New refund rule <img src=x onerror="window.__pwned=1">',
    body: '# From Monday\n\nRefunds over 100 need approval.\n\n' +
      '<img src=x onerror="window.__pwned=1"> <script>window.__pwned=2</script>\n' +
      '[policy](javascript:window.__pwned=3) [doc](https://example.com/policy)\n' +
      '<a href="#" onclick="window.__pwned=4">click</a> ![x](data:text/html,<script>window.__pwned=5</script>)',
    tags: ['sales', 'refund'],
  });
  await api(sup, 'POST', '/kb/articles/' + hostile.id + '/publish', {});
  const m = await api(sup, 'POST', '/kb/mailouts', { article_id: hostile.id, queue: 'sales', note: 'Read before your next shift' });
  await page.waitForSelector('#kb-required-box:not(.hidden) li', { timeout: 5000 });
  check('the required read appears on the desktop at once',
    (await page.textContent('#kb-required')).includes('Read before your next shift'));
  await shot(page, 'kb-required.png');
  await page.click('#kb-required li button.kb-read');
  await page.waitForSelector('#kb-ack:not(.hidden)', { timeout: 5000 });
  check('the article opens with "I have read it"', (await page.textContent('#kb-article-title')).startsWith('New refund rule'));
  const body = await page.$eval('#kb-article-body', (e) => ({
    html: e.innerHTML,
    imgs: e.querySelectorAll('img, script, iframe, svg').length,
    bad: [...e.querySelectorAll('a')].filter((a) => !/^https?:|^mailto:/.test(a.getAttribute('href'))).length,
    on: [...e.querySelectorAll('*')].filter((x) => [...x.attributes].some((at) => at.name.startsWith('on'))).length,
  }));
  check('no img, script, iframe or svg element in the article', body.imgs === 0);
  check('no link other than http(s)/mailto', body.bad === 0);
  check('no on* attribute anywhere', body.on === 0);
  check('the https link is kept', body.html.includes('href="https://example.com/policy"'));
  await page.click('#kb-article-body a[href="https://example.com/policy"]', { modifiers: ['Control'] }).catch(() => {});
  check('nothing the writer typed ran', await page.evaluate(() => window.__pwned === undefined));
  await shot(page, 'kb-article-hostile.png');
  await page.click('#kb-ack');
  await page.waitForSelector('#kb-required-box.hidden', { state: 'attached', timeout: 5000 });
  check('acknowledged: the required read is gone', true);
  const st = await api(sup, 'GET', '/kb/mailouts/' + m.id);
  check('the supervisor sees 1001 has read it and 1002 not',
    st.readers.map((r) => r.agent_id + ':' + r.acknowledged).join(',') === '1002:false,1001:true');
  await page.reload();
  await page.waitForSelector('#conn:text("live")', { timeout: 10000 });
  check('after a reload it stays acknowledged',
    await page.$eval('#kb-required-box', (e) => e.classList.contains('hidden')));

  // Suggestions when a task pops: the desktop hands the pop's data
  // (queue, IVR path) to the knowledge base as agent.js does.
  await page.evaluate(() => KB.onEvent({ type: 'interaction.offered',
    data: { interaction_id: 1, queue: 'sales', ivr_path: ['hours', 'menu', 'lookup_sales', 'sales_route', 'sales_vip'] } }));
  await page.waitForSelector('#kb-suggest-box:not(.hidden) li', { timeout: 5000 });
  check('a sales pop with the VIP path suggests the VIP procedure first',
    (await page.textContent('#kb-suggest li:first-child button')) === 'Look after a VIP caller');
  await shot(page, 'kb-suggest.png');
  await page.click('#kb-suggest li:first-child button');
  await page.waitForSelector('#kb-article-title:text("Look after a VIP caller")', { timeout: 5000 });
  check('a suggestion opens its article', true);
  await page.evaluate(() => KB.onEvent({ type: 'wrapup.finished', data: {} }));
  check('the suggestions go when the contact is over',
    await page.$eval('#kb-suggest-box', (e) => e.classList.contains('hidden')));
} finally {
  await b.close();
}
done();
