/* Knowledge base on the agent desktop (web/agent.html gives it the empty
 * <section id="kb-desktop"> and agent.js hands it every event through
 * KB.onEvent): search as the agent types, the article as the server
 * rendered it (sanitised HTML: the only markup the renderer writes),
 * helpful / outdated marks, required reads (mail-outs) shown until
 * acknowledged, and suggested articles when a task pops, from its queue,
 * the caller's IVR choice and the customer's open case. A chat page can
 * call KB.suggest({ text }) with what the customer wrote. */
'use strict';
const KB = (() => {
  const $ = SB.el;
  let seq = 0, timer = null, open = null;

  const css = `
#kb-desktop mark { background: #ffe58a; padding: 0 .1em; }
#kb-results, #kb-required, #kb-suggest { list-style: none; padding: 0; margin: .25rem 0; }
#kb-results li, #kb-suggest li { padding: .3rem 0; border-bottom: 1px solid var(--line); }
#kb-results button.kb-hit, #kb-suggest button.kb-hit { background: none; border: 0;
  padding: 0; color: var(--accent); font-weight: bold; text-align: left; }
#kb-article { border-top: 2px solid var(--accent); margin-top: .5rem; padding-top: .5rem; }
#kb-article-body pre { background: #f0f2f5; padding: .5rem; overflow: auto; }
#kb-required-box { border: 2px solid var(--amber); }
#kb-q { width: 100%; }`;

  function build() {
    const root = $('kb-desktop');
    if (!root) return false;
    const st = document.createElement('style');
    st.textContent = css;
    document.head.appendChild(st);
    root.setAttribute('aria-labelledby', 'kb-h');
    root.innerHTML = `
<div id="kb-required-box" class="hidden" role="region" aria-labelledby="kb-required-h">
  <h2 id="kb-required-h">Required reading</h2>
  <ul id="kb-required"></ul>
</div>
<div id="kb-suggest-box" class="hidden" role="region" aria-labelledby="kb-suggest-h">
  <h2 id="kb-suggest-h">Suggested articles</h2>
  <ul id="kb-suggest"></ul>
</div>
<h2 id="kb-h">Knowledge base</h2>
<input id="kb-q" type="search" autocomplete="off" placeholder="Search procedures…"
  aria-label="Search the knowledge base" aria-controls="kb-results">
<p id="kb-info" class="muted" aria-live="polite"></p>
<ul id="kb-results"></ul>
<article id="kb-article" class="hidden" aria-labelledby="kb-article-title">
  <h3 id="kb-article-title"></h3>
  <p class="muted" id="kb-article-meta"></p>
  <div id="kb-article-body"></div>
  <div class="row">
    <button id="kb-ack" type="button" class="primary hidden">I have read it</button>
    <button id="kb-helpful" type="button">Helpful</button>
    <button id="kb-outdated" type="button">Outdated</button>
    <button id="kb-close" type="button">Close</button>
  </div>
  <p id="kb-article-status" class="muted" aria-live="polite"></p>
</article>`;
    $('kb-q').addEventListener('input', () => {
      clearTimeout(timer);
      timer = setTimeout(search, 120);
    });
    $('kb-q').addEventListener('keydown', (e) => {
      if (e.key === 'ArrowDown') {
        const b = document.querySelector('#kb-results button');
        if (b) { e.preventDefault(); b.focus(); }
      }
    });
    $('kb-close').onclick = () => { $('kb-article').classList.add('hidden'); open = null; };
    $('kb-helpful').onclick = () => feedback('helpful');
    $('kb-outdated').onclick = () => {
      const comment = prompt('What is out of date? (sent to the article\'s owner)', '');
      if (comment !== null) feedback('outdated', comment);
    };
    $('kb-ack').onclick = ack;
    return true;
  }

  /* A hit: the server escaped title_html and snippet_html and marked the
   * matches; nothing else goes in as HTML. */
  function hitItem(h) {
    const li = document.createElement('li');
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'kb-hit';
    b.dataset.id = h.id;
    b.innerHTML = h.title_html;
    b.onclick = () => show(h.id);
    const s = document.createElement('div');
    s.className = 'muted';
    s.innerHTML = h.snippet_html;
    li.append(b, s);
    return li;
  }

  async function search() {
    const q = $('kb-q').value.trim();
    const my = ++seq;
    if (!q) { $('kb-results').innerHTML = ''; $('kb-info').textContent = ''; return; }
    let r;
    try { r = await SB.api('GET', '/kb/search?q=' + encodeURIComponent(q) + '&limit=8'); } catch (e) {
      if (my === seq) $('kb-info').textContent = e.message;
      return;
    }
    if (my !== seq) return; /* an older answer arriving late */
    const ul = $('kb-results');
    ul.innerHTML = '';
    for (const h of r.results) ul.appendChild(hitItem(h));
    let info = r.results.length ? '' : 'No article matches.';
    if (r.corrected) info = 'Showing results for ' + r.corrected.split(' ')
      .map((c) => c.split('>')[1]).join(' ') + '.';
    else if (!r.all_terms && r.results.length) info = 'No article has every word; these have some.';
    $('kb-info').textContent = info;
  }

  async function show(id, mailout) {
    let a;
    try { a = await SB.api('GET', '/kb/articles/' + id); } catch (e) {
      $('kb-article-status').textContent = e.message;
      return;
    }
    open = { id: a.id, mailout: mailout || null };
    $('kb-article').classList.remove('hidden');
    $('kb-article').dataset.id = a.id;
    $('kb-article-title').textContent = a.title;
    $('kb-article-meta').textContent = (a.audience === 'customer' ? 'Customer-facing' : 'Internal procedure') +
      ' · version ' + a.version + (a.tags.length ? ' · ' + a.tags.join(', ') : '');
    $('kb-article-body').innerHTML = a.html; /* sanitised by the server's renderer */
    $('kb-article-status').textContent = '';
    $('kb-ack').classList.toggle('hidden', !mailout);
    $('kb-article').scrollIntoView({ block: 'nearest' });
  }

  async function feedback(kind, comment) {
    if (!open) return;
    try {
      await SB.api('POST', '/kb/articles/' + open.id + '/feedback', comment ? { kind, comment } : { kind });
      $('kb-article-status').textContent = kind === 'helpful' ? 'Thanks: marked helpful.'
        : 'Marked outdated: the owner will review it.';
    } catch (e) { $('kb-article-status').textContent = e.message; }
  }

  async function ack() {
    if (!open || !open.mailout) return;
    try {
      await SB.api('POST', '/kb/mailouts/' + open.mailout + '/ack');
      $('kb-article-status').textContent = 'Acknowledged.';
      $('kb-ack').classList.add('hidden');
      open.mailout = null;
      loadRequired();
    } catch (e) { $('kb-article-status').textContent = e.message; }
  }

  async function loadRequired() {
    let list;
    try { list = await SB.api('GET', '/kb/required'); } catch (e) { return; }
    const ul = $('kb-required');
    ul.innerHTML = '';
    for (const m of list) {
      const li = document.createElement('li');
      li.dataset.mailout = m.mailout_id;
      const t = document.createElement('strong');
      t.textContent = m.title;
      const note = document.createElement('span');
      note.className = 'muted';
      note.textContent = m.note ? ' — ' + m.note : '';
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = 'Read';
      b.className = 'kb-read';
      b.onclick = () => show(m.article_id, m.mailout_id);
      li.append(t, note, ' ', b);
      ul.appendChild(li);
    }
    $('kb-required-box').classList.toggle('hidden', !list.length);
  }

  /* Suggestions for a task (the pop's data) or a chat's text. */
  async function suggest(d) {
    const body = {};
    if (d.queue) body.queue = String(d.queue);
    const ivr = Array.isArray(d.ivr_path) ? d.ivr_path.join(' ') : d.ivr;
    if (ivr) body.ivr = String(ivr);
    const c = d.case || (d.customer && d.customer.open_case);
    const subject = d.case_subject || (c && c.subject);
    if (subject) body.case_subject = String(subject).slice(0, 500);
    const cid = (d.customer && d.customer.id) || d.customer_id;
    if (Number.isInteger(cid)) body.customer_id = cid; /* its open cases */
    if (d.text) body.text = String(d.text).slice(-4000);
    if (!Object.keys(body).length) return;
    let r;
    try { r = await SB.api('POST', '/kb/suggest', body); } catch (e) { return; }
    const ul = $('kb-suggest');
    ul.innerHTML = '';
    for (const h of r.results) ul.appendChild(hitItem(h));
    $('kb-suggest-box').classList.toggle('hidden', !r.results.length);
  }

  function onEvent(ev) {
    const d = ev.data || {};
    switch (ev.type) {
    case 'hello': case 'resync': loadRequired(); break;
    case 'kb.required': loadRequired(); break;
    case 'kb.acknowledged': loadRequired(); break;
    case 'interaction.offered': suggest(d); break;
    case 'interaction.answered':
      if (!$('kb-suggest').children.length) suggest(d);
      break;
    case 'wrapup.finished':
      $('kb-suggest').innerHTML = '';
      $('kb-suggest-box').classList.add('hidden');
      break;
    }
  }

  if (build()) loadRequired();
  return { onEvent, suggest, search, show, loadRequired };
})();
