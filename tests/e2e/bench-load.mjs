// Benchmark, run by `cargo xtask bench`: the console's first load and time to interactive, and
// Keycloak's admin console's first load beside it, each served by nginx with deploy/nginx.conf.
//
// Console, RUNS times cold (a new browser context: empty cache) and RUNS times warm (a new tab
// in a context that has loaded the console once):
//   load:    navigation start → the connect page's #key-file input present and enabled (the
//            app is mounted, so its handlers are attached); every request made before that
//            moment is the first load (the page chunks preloaded after it are
//            `backgroundFiles`, apart);
//   connect: the key file chosen (its `change` event) → the search page's box present and
//            enabled: key import, the tenant's check, and whatever the search page loads.
// Keycloak (KEYCLOAK_URL), RUNS times cold: every response from navigation until the load
// event and a quiet network (the npm package is a library build: see xtask/src/bench/keycloak.rs).
import { launch, credentialFile } from './helpers.mjs';
import { write, recordNetwork, settle, fileOf, sleep } from './bench-common.mjs';

const CONSOLE = process.env.CONSOLE_URL;
const KEYCLOAK = process.env.KEYCLOAK_URL;
const RUNS = Number(process.env.RUNS ?? 10);

// Installed before any of the page's own scripts: the moments the two screens accept input.
function marks() {
  const b = { keyReady: null, changeAt: null, searchReady: null };
  window.__bench = b;
  const check = () => {
    if (b.keyReady === null) {
      const k = document.querySelector('#key-file');
      if (k && !k.disabled) b.keyReady = performance.now();
    }
    if (b.changeAt !== null && b.searchReady === null) {
      const s = document.querySelector('#search-box');
      if (s && !s.disabled) b.searchReady = performance.now();
    }
  };
  new MutationObserver(check).observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: ['disabled'] });
  document.addEventListener('change', (e) => { if (e.target?.id === 'key-file') b.changeAt = e.timeStamp; }, true);
}

const files = (net, phase) => net.all()
  .filter((r) => r.phase === phase && !r.failed)
  .map((r) => ({ file: fileOf(r.url), status: r.status, encoding: r.encoding, transfer: r.transfer, cache: r.cache }));

// One load of the console in `context`: both phases, with what each fetched.
async function consoleLoad(context) {
  const page = await context.newPage();
  const net = await recordNetwork(page);
  await page.goto(CONSOLE + '/', { waitUntil: 'commit' });
  await page.waitForFunction(() => window.__bench?.keyReady !== null, null, { timeout: 60000, polling: 50 });
  net.phase = 'connect';
  await settle(net);
  // The first load is what was asked for before the connect page accepted a key file. The
  // page chunks the console fetches in the background once that screen is up (its preloads)
  // are counted apart: resource timing's startTime is on the same clock as keyReady.
  const asked = new Set(await page.evaluate(() => performance.getEntriesByType('resource').filter((e) => e.startTime <= window.__bench.keyReady).map((e) => e.name)));
  for (const r of net.all()) if (r.phase === 'load' && fileOf(r.url) !== 'index.html' && !asked.has(r.url)) r.phase = 'background';
  const load = files(net, 'load');
  const background = files(net, 'background');
  await page.locator('#key-file').setInputFiles(credentialFile('helpdesk.key'));
  await page.waitForFunction(() => window.__bench?.searchReady !== null, null, { timeout: 60000, polling: 50 });
  net.phase = 'after';
  await settle(net);
  const b = await page.evaluate(() => window.__bench);
  const run = { load: b.keyReady, connect: b.searchReady - b.changeAt, files: load, backgroundFiles: background, connectFiles: files(net, 'connect') };
  await net.cdp.detach();
  await page.close();
  return run;
}

async function keycloakLoad(browser) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const net = await recordNetwork(page);
  await page.goto(KEYCLOAK + '/', { waitUntil: 'load', timeout: 60000 });
  await settle(net);
  await sleep(300);
  await settle(net);
  const load = await page.evaluate(() => performance.getEntriesByType('navigation')[0]?.loadEventEnd ?? null);
  const run = { load, files: files(net, 'load') };
  await context.close();
  return run;
}

const browser = await launch();
try {
  const cold = [];
  for (let i = 0; i < RUNS; i++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.addInitScript(marks);
    cold.push(await consoleLoad(context));
    await context.close();
  }
  const warm = [];
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.addInitScript(marks);
  await consoleLoad(context); // fills the cache
  for (let i = 0; i < RUNS; i++) warm.push(await consoleLoad(context));
  await context.close();

  const keycloak = [];
  if (KEYCLOAK) for (let i = 0; i < RUNS; i++) keycloak.push(await keycloakLoad(browser));
  write({ console: { cold, warm }, keycloak });
  console.log(`bench-load: ${RUNS} cold and ${RUNS} warm loads of the console, ${keycloak.length} of Keycloak's admin console`);
} finally {
  await browser.close();
}
