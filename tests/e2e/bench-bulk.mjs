// Benchmark, run by `cargo xtask bench`: a bulk high-risk job of 10,000 identifiers against the
// sandbox, under its rate limit of 10 requests/s (switched on through /_sandbox/faults) and with
// none, RUNS times each:
//   console:  the real console in headless Chromium (through nginx with deploy/nginx.conf),
//             from confirming to "All 10000 identifiers accounted for": requests the sandbox
//             counted, wall time;
//   batched:  the same 100 requests of 100 identifiers sent straight from here, 3 in flight
//             as the console sends them: the floor the server itself sets with no limit;
//   one each: the job as the public client libraries send it, one identifier per request,
//             one request at a time, waiting out each 429's Retry-After. With no limit all
//             10,000; under the limit SAMPLE of them (10,000 would take over 1,000 s), the
//             10,000 figure scaled from it.
// After every job the server's own list is read back: every identifier must be on it (none
// lost); then the list is put back as it was.
import { launch, open, connectKeyFile, api, sandbox, legacyJwt, SANDBOX_URL } from './helpers.mjs';
import { write, figure, sleep } from './bench-common.mjs';

const N = 10000;
const RATE = 10;
const BATCH = 100;
const RUNS = Number(process.env.RUNS ?? 3);
const SAMPLE = Number(process.env.SAMPLE ?? 300);
const PUT = 'PUT /AdminInterface/restapi/v1/users/highrisk';

const faults = (rateLimit) => sandbox('/_sandbox/faults', { rateLimit, failRate: 0, latencyMs: 0 });
const resetCounts = () => fetch(`${SANDBOX_URL}/_sandbox/requests`, { method: 'DELETE' });
const putCounts = async () => JSON.parse(await sandbox('/_sandbox/requests')).byRoute[PUT] ?? {};
const total = (counts) => Object.values(counts).reduce((a, b) => a + b, 0);
const lc = (s) => s.toLowerCase();
const serverList = async () => new Set((await api('GET', '/v2/users/highrisk')).body.users.map((u) => lc(u.email)));

async function emails() {
  const out = [];
  const pages = Math.ceil(N / 25);
  for (let p = 0; p < pages; p += 10) {
    const batch = await Promise.all(Array.from({ length: Math.min(10, pages - p) }, (_, k) =>
      api('POST', `/v2/users/search?pageSize=25&pageNumber=${p + k}`, { emailLike: '@' })));
    for (const { body } of batch) out.push(...body.elements.map((u) => u.emailAddress));
  }
  if (out.length < N) throw new Error(`the sandbox has only ${out.length} users; the bench needs ${N}`);
  return out.slice(0, N);
}

// A bearer token renewed every minute, as a client library keeps one.
let token = { value: '', at: 0 };
function bearer() {
  if (Date.now() - token.at > 60000) token = { value: legacyJwt(), at: Date.now() };
  return token.value;
}

// One PUT; a 429 is waited out (Retry-After, else 1 s) and sent again. Returns the requests it took.
async function put(users) {
  for (let sent = 1; ; sent++) {
    const res = await fetch(`${SANDBOX_URL}/AdminInterface/restapi/v1/users/highrisk`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${bearer()}`, 'content-type': 'application/json' },
      body: JSON.stringify({ action: 'add', users }),
    });
    await res.arrayBuffer();
    if (res.status !== 429) {
      if (![200, 207].includes(res.status)) throw new Error(`PUT highrisk answered ${res.status}`);
      return sent;
    }
    await sleep(1000 * Number(res.headers.get('retry-after') ?? 1));
  }
}

// Everything of `ids` not on the server's list afterwards.
async function lost(ids) {
  const now = await serverList();
  return ids.filter((e) => !now.has(lc(e))).length;
}

// The list as it was before: what the job added taken off again, 100 at a time, no limit.
async function restore(initial, ids) {
  await faults(null);
  const extra = ids.filter((e) => !initial.has(lc(e)));
  for (let i = 0; i < extra.length; i += BATCH) {
    const r = await api('PUT', '/v1/users/highrisk', { action: 'remove', users: extra.slice(i, i + BATCH) });
    if (![200, 207].includes(r.status)) throw new Error(`restoring the list: ${r.status}`);
  }
}

async function consoleJob(browser, text, rateLimit) {
  await faults(rateLimit);
  const { page, context } = await open(browser, '/high-risk/bulk');
  await connectKeyFile(page, 'superadmin.key');
  // As a paste: one input event. (Playwright's fill types into a textarea in time that grows
  // with the square of the length: minutes for 10,000 lines.)
  await page.locator('#bulk-input').evaluate((t, value) => {
    t.value = value;
    t.dispatchEvent(new Event('input', { bubbles: true }));
  }, text);
  await page.locator('[data-test=preview]').filter({ hasText: `${N} entries read: ${N} to send` }).waitFor({ timeout: 60000 });
  await page.locator('[data-test=bulk-start]').click();
  await resetCounts();
  const start = performance.now();
  await page.locator('[data-test=bulk-confirm]').click();
  await page.locator('[data-test=accounted]').waitFor({ timeout: 600000 });
  const wall = (performance.now() - start) / 1000;
  const summary = await page.locator('[data-test=accounted]').textContent();
  const counts = await putCounts();
  await context.close();
  if (!summary.startsWith(`All ${N} identifiers accounted for`)) throw new Error(`not all accounted for: ${summary}`);
  return { wall, requests: total(counts), limited: counts['429'] ?? 0 };
}

async function batchedJob(ids) {
  await faults(null);
  await resetCounts();
  const batches = [];
  for (let i = 0; i < ids.length; i += BATCH) batches.push(ids.slice(i, i + BATCH));
  const start = performance.now();
  let next = 0;
  await Promise.all(Array.from({ length: 3 }, async () => {
    while (next < batches.length) await put(batches[next++]);
  }));
  const wall = (performance.now() - start) / 1000;
  return { wall, requests: total(await putCounts()) };
}

async function oneEachJob(ids, rateLimit) {
  await faults(rateLimit);
  await resetCounts();
  const start = performance.now();
  for (const id of ids) await put([id]);
  const wall = (performance.now() - start) / 1000;
  const counts = await putCounts();
  return { wall, requests: total(counts), limited: counts['429'] ?? 0 };
}

const browser = await launch();
const initial = await serverList();
try {
  const ids = await emails();
  const text = ids.join('\n');
  const sample = ids.slice(0, SAMPLE);
  const runs = { consoleLimited: [], consoleFree: [], batchedFree: [], oneEachFree: [], oneEachLimited: [] };
  const lostIds = [];
  const measure = async (name, job, of) => {
    const r = await job();
    await faults(null);
    const l = await lost(of);
    lostIds.push(l);
    runs[name].push({ ...r, lost: l });
    console.log(`  ${name}: ${of.length} identifiers, ${r.requests} requests${r.limited ? ` (${r.limited} answered 429)` : ''}, ${r.wall.toFixed(1)} s, ${l} lost`);
    await restore(initial, of);
  };
  for (let i = 0; i < RUNS; i++) {
    await measure('consoleLimited', () => consoleJob(browser, text, RATE), ids);
    await measure('consoleFree', () => consoleJob(browser, text, null), ids);
    await measure('batchedFree', () => batchedJob(ids), ids);
    await measure('oneEachFree', () => oneEachJob(ids, null), ids);
    await measure('oneEachLimited', () => oneEachJob(sample, RATE), sample);
  }
  const ideal = Math.ceil(N / BATCH) / RATE;
  const col = (name, f) => runs[name].map(f);
  const scaled = N / SAMPLE;
  write({
    figures: [
      figure('bulk.console_limited.wall', `bulk 10,000, rate limit ${RATE}/s: console wall time`, 's', col('consoleLimited', (r) => r.wall)),
      figure('bulk.console_limited.requests', `bulk 10,000, rate limit ${RATE}/s: console requests (429s included)`, 'requests', col('consoleLimited', (r) => r.requests)),
      figure('bulk.console_limited.ratio', `bulk 10,000, rate limit ${RATE}/s: console wall / ideal (${Math.ceil(N / BATCH)} requests at ${RATE}/s = ${ideal} s)`, '×', col('consoleLimited', (r) => r.wall / ideal)),
      figure('bulk.console_limited.request_ratio', `bulk 10,000, rate limit ${RATE}/s: console requests / ideal (${Math.ceil(N / BATCH)})`, '×', col('consoleLimited', (r) => r.requests / Math.ceil(N / BATCH))),
      figure('bulk.console_free.wall', 'bulk 10,000, no limit: console wall time', 's', col('consoleFree', (r) => r.wall)),
      figure('bulk.console_free.requests', 'bulk 10,000, no limit: console requests', 'requests', col('consoleFree', (r) => r.requests)),
      figure('bulk.batched_free.wall', 'bulk 10,000, no limit: the same 100 batches sent straight to the sandbox (ideal)', 's', col('batchedFree', (r) => r.wall)),
      figure('bulk.console_free.ratio', 'bulk 10,000, no limit: console wall / batches sent straight (median)', '×', col('consoleFree', (r) => r.wall / median(col('batchedFree', (b) => b.wall)))),
      figure('bulk.one_each_free.wall', 'bulk 10,000, no limit: one identifier per request, as client libraries send it', 's', col('oneEachFree', (r) => r.wall)),
      figure('bulk.one_each_free.requests', 'bulk 10,000, no limit: one identifier per request: requests', 'requests', col('oneEachFree', (r) => r.requests)),
      figure('bulk.one_each_limited.wall', `bulk 10,000, rate limit ${RATE}/s: one identifier per request, scaled from ${SAMPLE} sent`, 's', col('oneEachLimited', (r) => r.wall * scaled)),
      figure('bulk.one_each_limited.requests', `bulk 10,000, rate limit ${RATE}/s: one identifier per request: requests, scaled from ${SAMPLE}`, 'requests', col('oneEachLimited', (r) => r.requests * scaled)),
      figure('bulk.one_each_limited.vs_console', `bulk 10,000, rate limit ${RATE}/s: one per request / console (wall)`, '×', col('oneEachLimited', (r) => (r.wall * scaled) / median(col('consoleLimited', (c) => c.wall)))),
      figure('bulk.one_each_free.vs_console', 'bulk 10,000, no limit: one per request / console (wall)', '×', col('oneEachFree', (r) => r.wall / median(col('consoleFree', (c) => c.wall)))),
      figure('bulk.lost', 'bulk: identifiers missing from the server\'s list after a job (every job)', 'identifiers', lostIds),
    ],
    runs,
  });
} finally {
  await faults(null).catch(() => {});
  await browser.close();
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}
