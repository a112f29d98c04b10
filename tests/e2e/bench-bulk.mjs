// Benchmark of the bulk high-risk job, run by `cargo xtask bench` (not a test: no node:test).
// The real console in headless Chromium sends 10,000 identifiers to the sandbox twice: under a
// rate limit of 10 requests/s (switched on through /_sandbox/faults), then with none. Prints the
// requests the sandbox counted, the wall time from confirming to "accounted for", and for the
// limited run its ratio to the ideal: ceil(10,000 / 100) requests at 10 per second = 10 s.
import { launch, open, connectKeyFile, api, sandbox, SANDBOX_URL } from './helpers.mjs';

const N = 10000;
const RATE = 10;
const PUT = 'PUT /AdminInterface/restapi/v1/users/highrisk';

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

async function job(browser, text, { rateLimit, action }) {
  await sandbox('/_sandbox/faults', { rateLimit, failRate: 0, latencyMs: 0 });
  const { page, context } = await open(browser, '/high-risk/bulk');
  await connectKeyFile(page, 'superadmin.key');
  if (action === 'remove') await page.getByLabel('Remove them from the high-risk list').check();
  // As a paste: one input event. (Playwright's fill types into a textarea in time that grows
  // with the square of the length: minutes for 10,000 lines.)
  await page.locator('#bulk-input').evaluate((t, value) => {
    t.value = value;
    t.dispatchEvent(new Event('input', { bubbles: true }));
  }, text);
  await page.locator('[data-test=preview]').filter({ hasText: `${N} entries read: ${N} to send` }).waitFor({ timeout: 60000 });
  await page.locator('[data-test=bulk-start]').click();
  await fetch(`${SANDBOX_URL}/_sandbox/requests`, { method: 'DELETE' });
  const start = performance.now();
  await page.locator('[data-test=bulk-confirm]').click();
  await page.locator('[data-test=accounted]').waitFor({ timeout: 600000 });
  const wall = (performance.now() - start) / 1000;
  const summary = await page.locator('[data-test=accounted]').textContent();
  const progress = await page.locator('[data-test=progress]').textContent();
  const counts = JSON.parse(await sandbox('/_sandbox/requests')).byRoute[PUT] ?? {};
  await context.close();
  const requests = Object.values(counts).reduce((a, b) => a + b, 0);
  if (!summary.startsWith(`All ${N} identifiers accounted for`)) throw new Error(`not all accounted for: ${summary}`);
  return { wall, requests, limited: counts['429'] ?? 0, summary, progress };
}

const browser = await launch();
try {
  const text = (await emails()).join('\n');
  const batches = Math.ceil(N / 100);
  const ideal = batches / RATE;

  const limited = await job(browser, text, { rateLimit: RATE, action: 'add' });
  console.log(`rate limit ${RATE}/s: ${N} identifiers, ${batches} batches, ${limited.requests} requests sent (${limited.limited} answered 429), `
    + `wall ${limited.wall.toFixed(1)} s, ideal ${ideal.toFixed(1)} s (${batches} requests at ${RATE}/s), ratio ${(limited.wall / ideal).toFixed(2)}`);
  console.log(`  console: ${limited.progress}`);

  const free = await job(browser, text, { rateLimit: null, action: 'remove' });
  console.log(`no limit:       ${N} identifiers, ${batches} batches, ${free.requests} requests sent (${free.limited} answered 429), `
    + `wall ${free.wall.toFixed(1)} s, ${(N / free.wall).toFixed(0)} identifiers/s, ${(free.requests / free.wall).toFixed(1)} requests/s (3 in flight)`);
  console.log(`  console: ${free.progress}`);
} finally {
  await sandbox('/_sandbox/faults', { rateLimit: null, failRate: 0, latencyMs: 0 }).catch(() => {});
  await browser.close();
}
