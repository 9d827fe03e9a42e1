/* Shared by the pages: REST calls (the session cookie is HttpOnly and
 * sent by the browser), the event channel with resume, small helpers. */
'use strict';
const SB = {};

SB.api = async function (method, path, body) {
  const opt = { method, headers: {}, credentials: 'same-origin' };
  if (body !== undefined) {
    opt.headers['Content-Type'] = 'application/json';
    opt.body = JSON.stringify(body);
  }
  const r = await fetch('/api/v1' + path, opt);
  const type = r.headers.get('content-type') || '';
  const text = await r.text(); /* empty for a 204 */
  const data = type.startsWith('application/json') && text ? JSON.parse(text) : text;
  if (r.status === 401 && !path.startsWith('/login')) {
    location.href = '/index.html';
    throw new Error('logged out');
  }
  if (r.ok && method === 'GET' && path === '/me') SB.roleLinks(data);
  if (!r.ok) {
    const e = new Error((data && data.error && data.error.message) || r.statusText);
    e.status = r.status; e.field = data && data.error && data.error.field;
    e.data = data; /* e.g. a flow's problems (422) */
    throw e;
  }
  return data;
};

SB.el = (id) => document.getElementById(id);

/* An agent's state in words (the ACD's names are for the API). */
SB.STATES = { logged_out: 'Logged out', available: 'Available', reserved: 'Phone ringing',
  busy: 'On a call', wrapup: 'Wrap-up', away: 'Away' };
SB.stateWord = (s) => SB.STATES[s] || SB.text(s).replace('_', ' ');

/* Links to pages of some roles only (data-roles="supervisor admin"): shown
 * once the account is known; the server refuses those pages to the
 * others anyway. */
SB.roleLinks = function (me) {
  for (const a of document.querySelectorAll('[data-roles]'))
    a.classList.toggle('role-ok', !!me && a.dataset.roles.split(/\s+/).includes(me.role));
};
SB.text = (s) => (s === null || s === undefined) ? '' : String(s);
SB.esc = (s) => SB.text(s).replace(/[&<>"']/g, (c) =>
  ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
SB.dur = function (secs) {
  secs = Math.max(0, Math.floor(secs));
  const m = Math.floor(secs / 60), s = secs % 60;
  return m >= 60 ? Math.floor(m / 60) + 'h' + String(m % 60).padStart(2, '0')
    : m + ':' + String(s).padStart(2, '0');
};

/* The event channel: reconnects with backoff and resumes from the last
 * sequence number; onEvent(ev) for every message. */
SB.events = function (onEvent, onStatus) {
  let ws, delay = 500;
  const key = 'sb_events';
  function open() {
    const st = JSON.parse(sessionStorage.getItem(key) || '{}');
    let q = '';
    if (st.seq !== undefined && st.epoch) q = '?since=' + st.seq + '&epoch=' + st.epoch;
    ws = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') +
      location.host + '/api/v1/events' + q);
    ws.onopen = () => { delay = 500; onStatus && onStatus(true); };
    ws.onmessage = (m) => {
      const ev = JSON.parse(m.data);
      const cur = JSON.parse(sessionStorage.getItem(key) || '{}');
      if (ev.type === 'hello' || ev.type === 'resync') {
        cur.epoch = ev.epoch;
        if (ev.type === 'resync' || cur.seq === undefined) cur.seq = ev.seq;
      } else if (ev.seq) cur.seq = ev.seq;
      sessionStorage.setItem(key, JSON.stringify(cur));
      onEvent(ev);
    };
    ws.onclose = () => {
      onStatus && onStatus(false);
      setTimeout(open, delay);
      delay = Math.min(delay * 2, 10000);
    };
  }
  open();
  return { close: () => ws && ws.close() };
};

SB.logout = async function () {
  try { await SB.api('POST', '/logout'); } catch (e) { /* already out */ }
  sessionStorage.clear();
  location.href = '/index.html';
};
