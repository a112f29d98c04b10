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
//   request: the console's fetch() call → the answer's text (a probe on window.fetch).
// Rows count as this query's only once the answer to a request sent after the last keystroke
// has been read; rows in the page under the new query before that are an earlier query's, and
// counted (staleRowsShown). Every row taken is checked to contain the query, and DevTools counts
// the search requests the console aborted.
import { launch, open, connectKeyFile, api } from './helpers.mjs';
import { write, recordNetwork, figure, rng } from './bench-common.mjs';

const QUERIES = Number(process.env.QUERIES ?? 200);

function marks() {
  const b = { expect: null, key: null, sent: null, body: null, dom: null, frame: null, rows: 0, wrong: 0, stale: false };
  window.__s = b;
  // Pass-through probes on the browser's fetch, as the console calls it: when a search request
  // is sent, and when its answer's text is in the console's hands.
  const fetch = window.fetch;
  window.fetch = function (input, init) {
    if (String(input?.url ?? input).includes('/users/search')) b.sent = performance.now();
    return fetch.call(this, input, init);
  };
  const text = Response.prototype.text;
  Response.prototype.text = function () {
    const search = this.url.includes('/users/search');
    return text.call(this).then((t) => {
      if (search) b.body = performance.now();
      return t;
    });
  };
  document.addEventListener('keydown', (e) => { if (e.target?.id === 'search-box') b.key = e.timeStamp; }, true);
  const check = () => {
    if (b.expect === null || b.key === null || b.dom !== null) return;
    const box = document.querySelector('#search-box');
    if (!box || box.value !== b.expect) return;
    const busy = document.querySelector('.search .busy');
    if (busy && busy.textContent !== '') return;
    const rows = document.querySelectorAll('#results .email');
    if (rows.length === 0 && !document.querySelector('[data-test=no-results]')) return;
    // Rows before the answer to a request sent after the last keystroke are an earlier
    // query's, shown under this one: counted, not taken for this query's.
    if (b.body === null || b.sent === null || b.sent < b.key) {
      b.stale = true;
      return;
    }
    b.dom = performance.now();
    // As they were for these rows (a later answer must not move them).
    b.answerSent = b.sent;
    b.answerRead = b.body;
    b.rows = rows.length;
    const needle = b.expect.trim().toLowerCase();
    b.wrong = [...rows].filter((r) => !r.textContent.toLowerCase().includes(needle)).length;
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
  let wrong = 0;
  let noRows = 0;
  let staleShown = 0;
  for (const [k, q] of queries.entries()) {
    await box.fill('');
    await page.evaluate((q) => Object.assign(window.__s, { expect: q, key: null, sent: null, body: null, dom: null, frame: null, rows: 0, wrong: 0, stale: false }), q);
    await box.fill(q.slice(0, -1));
    await page.waitForTimeout(20 + ((k * 37) % 300));
    await page.keyboard.press(q.slice(-1));
    await page.waitForFunction(() => window.__s.frame !== null, null, { timeout: 15000, polling: 10 });
    const s = await page.evaluate(() => window.__s);
    latency.push(s.frame - s.key);
    domOnly.push(s.dom - s.key);
    request.push(s.answerRead - s.answerSent);
    if (s.rows === 25) render25.push(s.dom - s.answerRead);
    if (s.rows === 0) noRows++;
    wrong += s.wrong;
    if (s.stale) staleShown++;
  }
  const searches = net.all().filter((r) => r.url.includes('/users/search'));
  const aborted = searches.filter((r) => r.failed && r.canceled).length;
  await context.close();
  write({
    figures: [
      figure('search.keystroke_to_rows', 'search: last keystroke → rows drawn (next frame)', 'ms', latency, { stats: 'percentiles' }),
      figure('search.keystroke_to_dom', 'search: last keystroke → rows in the page', 'ms', domOnly, { stats: 'percentiles' }),
      figure('search.request', 'search: request (fetch → answer read), through nginx to the sandbox', 'ms', request, { stats: 'percentiles' }),
      figure('search.render25', 'search: decoding and drawing 25 rows (answer read → rows in the page)', 'ms', render25),
    ],
    counts: { queries: queries.length, searchRequests: searches.length, aborted, wrongRows: wrong, queriesWithoutRows: noRows, staleRowsShown: staleShown },
  });
  console.log(`bench-search: ${queries.length} queries, ${searches.length} search requests, ${aborted} aborted, ${wrong} rows not matching their query, `
    + `${staleShown} queries under which an earlier query's rows were shown before their own answer`);
} finally {
  await browser.close();
}
