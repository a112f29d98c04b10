// Shared by the benchmarks `cargo xtask bench` runs (not tests: no node:test, no timed
// assertion). Each script measures in the page itself, with the browser's own clocks
// (event timestamps, performance.now(), resource timing, DevTools' network events), and writes
// its raw samples as JSON to BENCH_OUT; xtask computes the medians, percentiles and ratios and
// prints the table.
import { writeFileSync } from 'node:fs';

export const BENCH_OUT = process.env.BENCH_OUT;

// One figure: every sample, in `unit`; xtask reports the median, min and max (or the
// percentiles named in `stats`).
export const figure = (key, label, unit, samples, extra = {}) => ({ key, label, unit, samples, ...extra });

export function write(result) {
  if (!BENCH_OUT) throw new Error('BENCH_OUT is not set: run this through `cargo xtask bench`');
  writeFileSync(BENCH_OUT, JSON.stringify(result, null, 1));
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Deterministic pseudo-random numbers, so a run can be repeated query for query.
export function rng(seed = 12) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

// Every response of a page as DevTools sees it: URL, status, content-encoding, bytes on the
// wire (headers included, as DevTools' "Transferred"), whether the cache answered, and the
// phase of the measurement it was sent in (`net.phase`, set by the script).
export async function recordNetwork(page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  const byId = new Map();
  const net = { cdp, phase: 'load', all: () => [...byId.values()], clear: () => byId.clear() };
  cdp.on('Network.requestWillBeSent', (e) => {
    byId.set(e.requestId, { url: e.request.url, method: e.request.method, phase: net.phase, status: 0, encoding: '', transfer: 0, cache: false, done: false, failed: false });
  });
  cdp.on('Network.requestServedFromCache', (e) => { const r = byId.get(e.requestId); if (r) r.cache = true; });
  cdp.on('Network.responseReceived', (e) => {
    const r = byId.get(e.requestId);
    if (!r) return;
    const h = Object.fromEntries(Object.entries(e.response.headers).map(([k, v]) => [k.toLowerCase(), v]));
    r.status = e.response.status;
    r.encoding = h['content-encoding'] ?? '';
    r.cache ||= Boolean(e.response.fromDiskCache || e.response.fromPrefetchCache || e.response.fromServiceWorker);
  });
  cdp.on('Network.loadingFinished', (e) => { const r = byId.get(e.requestId); if (r) { r.transfer = e.encodedDataLength; r.done = true; } });
  cdp.on('Network.loadingFailed', (e) => { const r = byId.get(e.requestId); if (r) { r.failed = true; r.canceled = e.canceled; r.done = true; } });
  return net;
}

// Waits until every request sent so far has finished (or failed), for at most `ms`.
export async function settle(net, ms = 10000) {
  const end = Date.now() + ms;
  while (Date.now() < end && net.all().some((r) => !r.done)) await sleep(20);
}

// The path of a same-origin URL as a file name: "/" is index.html, as nginx serves it.
export function fileOf(url) {
  const p = new URL(url).pathname;
  return p === '/' ? 'index.html' : p.replace(/^\//, '');
}
