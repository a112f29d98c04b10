// Benchmark, run by `cargo xtask bench`: search as the operator feels it, against the sandbox
// with 10,000 users, the console served by nginx with deploy/nginx.conf.
//
// QUERIES queries (fragments of real users' emails: whole addresses, first names, last names,
// "first.la", numbers). Each is typed as an operator does: the box is emptied, all but the
// last character arrive at once, then after a gap of 20 to 320 ms (so that the search for the
// prefix has sometimes started, and must be aborted) the last key is pressed. Measured in the
// page:
//   keystroke → rows: the last keydown's timestamp → the first animation frame after rows for
//     the whole query (or "no user") are in the page: debounce, request, decoding and drawing;
//   render:  the answer's text in the console's hands (a pass-through probe on
//     Response.prototype.text) → those rows in the page, for answers of 25 rows (a full page):
//     decoding and drawing;
//   request: the console's fetch() call → the answer's text (a probe on window.fetch), and
//     the last keystroke → that fetch() call (the debounce and what the console does before
//     it sends).
// Rows count as this query's once they are exactly the answer to the newest request, sent after
// the last keystroke; rows in the page under the new query before that answer are an earlier
// query's, and counted (staleRowsInPage; staleRowsPainted when still there as a frame was
// drawn). Every row taken is checked to contain the query.
// Then SLOW_QUERIES more over a slow link (the sandbox answering 200 ms late, as over a VPN),
// typed a key every 100 ms: each keystroke's request is superseded while in flight, and
// DevTools counts the ones the console aborted.
import { launch, open, connectKeyFile, api, sandbox } from './helpers.mjs';
import { write, recordNetwork, figure, rng } from './bench-common.mjs';

const QUERIES = Number(process.env.QUERIES ?? 200);
const SLOW_QUERIES = Number(process.env.SLOW_QUERIES ?? 20);
const SLOW_MS = 200;

function marks() {
  const b = { expect: null, key: null, sent: null, body: null, dom: null, frame: null, rows: 0, wrong: 0, stale: false, stalePainted: false, newest: 0, answer: null };
  window.__s = b;
  // Pass-through probes on the browser's fetch, as the console calls it: when a search request
  // is sent, and when its answer's text is in the console's hands.
  // Only the newest request's answer counts: each request is numbered.
  let numbered = 0;
  const fetch = window.fetch;
  window.fetch = function (input, init) {
    if (!String(input?.url ?? input).includes('/users/search')) return fetch.call(this, input, init);
    const n = ++numbered;
    b.sent = performance.now();
    b.body = null;
    b.newest = n;
    return fetch.call(this, input, init).then((res) => {
      res.__bench = n;
      return res;
    });
  };
  const text = Response.prototype.text;
  Response.prototype.text = function () {
    const n = this.__bench;
    return text.call(this).then((t) => {
      if (n !== undefined && n === b.newest) {
        b.body = performance.now();
        // The emails it holds, to know its rows when they are drawn.
        try {
          const v = t ? JSON.parse(t) : [];
          b.answer = (Array.isArray(v) ? v : v.elements ?? []).map((u) => u.emailAddress);
        } catch {
          b.answer = null;
        }
      }
      return t;
    });
  };
  document.addEventListener('keydown', (e) => { if (e.target?.id === 'search-box') b.key = e.timeStamp; }, true);
  // What the page presents as the results for the query in the box: 'answer' (the rows of
  // the answer to the newest request, sent after the last keystroke), 'stale' (other rows: an
  // earlier query's), or null (nothing presented yet).
  const state = () => {
    const box = document.querySelector('#search-box');
    if (!box || box.value !== b.expect) return null;
    const busy = document.querySelector('.search .busy');
    if (busy && busy.textContent !== '') return null;
    const rows = [...document.querySelectorAll('#results .email')].map((r) => r.textContent);
    const none = document.querySelector('[data-test=no-results]') !== null;
    if (rows.length === 0 && !none) return null;
    const answer = b.sent !== null && b.sent > b.key && b.body !== null ? b.answer : null;
    if (answer !== null && answer.length === rows.length && answer.every((e, i) => e === rows[i])) return { rows };
    return rows.length > 0 ? 'stale' : null;
  };
  const check = () => {
    if (b.expect === null || b.key === null || b.dom !== null) return;
    const s = state();
    if (s === null) return;
    if (s === 'stale') {
      b.stale = true;
      // Still so as the next frame is drawn: the operator saw it.
      requestAnimationFrame(() => { if (b.dom === null && state() === 'stale') b.stalePainted = true; });
      return;
    }
    b.dom = performance.now();
    // As they were for these rows (a later answer must not move them).
    b.answerSent = b.sent;
    b.answerRead = b.body;
    b.rows = s.rows.length;
    const needle = b.expect.trim().toLowerCase();
    b.wrong = s.rows.filter((r) => !r.toLowerCase().includes(needle)).length;
    if (b.wrong) b.example = { first: s.rows[0], rows: s.rows.length, sentAfterKey: b.sent - b.key, url: location.search };
    requestAnimationFrame(() => { b.frame = performance.now(); });
  };
  new MutationObserver(check).observe(document, { childList: true, subtree: true, characterData: true });
}

// Users spread over the whole sandbox, in a repeatable order.
async function sampleUsers(n) {
  const first = (await api('POST', '/v2/users/search?pageSize=25&pageNumber=0', { emailLike: '@' })).body;
  const random = rng(3);
  const out = [];
  while (out.length < n) {
    const p = Math.floor(random() * first.totalPages);
    const { body } = await api('POST', `/v2/users/search?pageSize=25&pageNumber=${p}`, { emailLike: '@' });
    out.push(body.elements[Math.floor(random() * body.elements.length)].emailAddress);
  }
  return out;
}

function queryFor(email, k) {
  const local = email.split('@')[0];
  const [first, last = '', num = ''] = local.split('.');
  switch (k % 5) {
    case 0: return email;
    case 1: return `${first}.`;
    case 2: return `${first}.${last.slice(0, 2)}`;
    case 3: return last.length >= 3 ? last : `${first}.${last}`;
    default: return num ? `.${num}@` : local;
  }
}

const browser = await launch();
try {
  const queries = (await sampleUsers(QUERIES)).map(queryFor).filter((q) => q.length >= 3);
  const { page, context } = await open(browser);
  await context.addInitScript(marks);
  await page.reload();
  const net = await recordNetwork(page);
  await connectKeyFile(page, 'helpdesk.key');
  await page.locator('#search-box').waitFor();
  const box = page.locator('#search-box');

  const latency = [];
  const domOnly = [];
  const render25 = [];
  const request = [];
  const toFetch = [];
  let wrong = 0;
  let noRows = 0;
  let staleShown = 0;
  let stalePainted = 0;
  const examples = [];
  const reset = (q) => page.evaluate((q) => Object.assign(window.__s, { expect: q, key: null, sent: null, body: null, dom: null, frame: null, rows: 0, wrong: 0, stale: false, stalePainted: false }), q);
  const answered = async () => {
    await page.waitForFunction(() => window.__s.frame !== null, null, { timeout: 15000, polling: 10 });
    const s = await page.evaluate(() => window.__s);
    if (s.stale) staleShown++;
    if (s.stalePainted) stalePainted++;
    if (s.rows === 0) noRows++;
    wrong += s.wrong;
    if (s.wrong && examples.length < 10) examples.push({ query: s.expect, ...s.example });
    return s;
  };
  for (const [k, q] of queries.entries()) {
    await box.fill('');
    await reset(q);
    await box.fill(q.slice(0, -1));
    await page.waitForTimeout(20 + ((k * 37) % 300));
    await page.keyboard.press(q.slice(-1));
    const s = await answered();
    latency.push(s.frame - s.key);
    domOnly.push(s.dom - s.key);
    request.push(s.answerRead - s.answerSent);
    toFetch.push(s.answerSent - s.key);
    if (s.rows === 25) render25.push(s.dom - s.answerRead);
  }
  const fast = net.all().filter((r) => r.url.includes('/users/search'));

  net.phase = 'slow';
  const slow = [];
  await sandbox('/_sandbox/faults', { latencyMs: SLOW_MS });
  try {
    for (const q of queries.slice(0, SLOW_QUERIES)) {
      await box.fill('');
      await reset(q);
      await box.pressSequentially(q, { delay: 100 });
      const s = await answered();
      slow.push(s.frame - s.key);
    }
  } finally {
    await sandbox('/_sandbox/faults', { latencyMs: 0 });
  }
  const slowSearches = net.all().filter((r) => r.phase === 'slow' && r.url.includes('/users/search'));
  const searches = fast.filter((r) => r.phase !== 'slow');
  const aborted = (list) => list.filter((r) => r.failed && r.canceled).length;
  await context.close();
  write({
    figures: [
      figure('search.keystroke_to_rows', 'search: last keystroke → rows drawn (next frame)', 'ms', latency, { stats: 'percentiles' }),
      figure('search.keystroke_to_dom', 'search: last keystroke → rows in the page', 'ms', domOnly, { stats: 'percentiles' }),
      figure('search.keystroke_to_fetch', 'search: last keystroke → request sent (the debounce, then the route and the token)', 'ms', toFetch, { stats: 'percentiles' }),
      figure('search.request', 'search: request (fetch → answer read), through nginx to the sandbox', 'ms', request, { stats: 'percentiles' }),
      figure('search.slow.keystroke_to_rows', `search over a slow link (answers ${SLOW_MS} ms late), a key every 100 ms: last keystroke → rows drawn`, 'ms', slow, { stats: 'percentiles' }),
      figure('search.render25', 'search: decoding and drawing 25 rows (answer read → rows in the page)', 'ms', render25),
    ],
    counts: {
      queries: queries.length, searchRequests: searches.length, aborted: aborted(searches),
      slowQueries: slow.length, slowKeystrokes: queries.slice(0, SLOW_QUERIES).join('').length, slowSearchRequests: slowSearches.length, slowAborted: aborted(slowSearches),
      wrongRows: wrong, queriesWithoutRows: noRows, staleRowsInPage: staleShown, staleRowsPainted: stalePainted },
    wrongExamples: examples,
  });
  console.log(`bench-search: ${queries.length} queries, ${searches.length} search requests, ${aborted(searches)} aborted; over a slow link ${slow.length} queries, `
    + `${slowSearches.length} requests, ${aborted(slowSearches)} aborted; ${wrong} rows not matching their query, `
    + `${staleShown} queries under which an earlier query's rows were in the page before their own answer (${stalePainted} of them drawn)`);
} finally {
  await browser.close();
}
