// Benchmark, run by `cargo xtask bench`: the high-risk list page with 50,000 entries. The list's
// answer is route-mocked in Chromium (as tests/e2e/highrisk.test.mjs does: the sandbox's list
// holds what the tests put there); the console is served by nginx with deploy/nginx.conf.
//
// RUNS times, in a new browser context each:
//   first render: the click on "High-risk list" (connected) → the count and the first rows in
//     the page, then the next animation frame; and from the answer's responseEnd (resource
//     timing), which leaves out the time DevTools takes to hand over 50,000 entries;
//   memory after loading it, before (on the search page) and after: the JS heap (DevTools'
//     Runtime.getHeapUsage after a forced garbage collection), and the wasm memory, where the
//     console's own data lives (its size, through a pass-through probe on WebAssembly.instantiate*);
//   each filter keystroke ("user.0499" typed, then erased key by key): its keydown timestamp →
//     the end of the task that handled it (a message posted from the input event runs right
//     after it and the microtasks it queued), and → the next animation frame; and from the
//     keydown's dispatch to the page (performance.now() in the first listener) → the end of the
//     task, which leaves out the input pipeline before the page sees the key;
//   the console's work alone: the input event, from its first listener (capturing, on window)
//     to its last (bubbling, on window), which runs after the console's own handler and the
//     microtasks it queued (the filter, the reactive updates, the rows' DOM);
//   the browser's floor: the same keys typed into a plain <input> added outside the console
//     (no listener of ours), measured the same way.
import { launch, open, connectKeyFile } from './helpers.mjs';
import { write, figure } from './bench-common.mjs';

const RUNS = Number(process.env.RUNS ?? 5);
const N = 50000;
const TYPED = 'user.0499';

function marks() {
  const b = { click: null, drawn: null, frame: null, key: null, keyAt: null, inputAt: null, inputDone: null, done: null, keyFrame: null, memory: null };
  const typedIn = (e) => e.target?.id === 'hr-filter' || e.target?.id === 'bench-probe';
  window.__h = b;
  // A pass-through probe on the browser's WebAssembly API: the console's wasm memory, where its
  // own data (the 50,000 entries, decoded) lives.
  for (const name of ['instantiateStreaming', 'instantiate']) {
    const original = WebAssembly[name];
    WebAssembly[name] = function (...args) {
      return original.apply(this, args).then((r) => {
        const memory = (r.instance ?? r)?.exports?.memory;
        if (memory instanceof WebAssembly.Memory) b.memory = memory;
        return r;
      });
    };
  }
  performance.setResourceTimingBufferSize(100000);
  document.addEventListener('click', (e) => { if (e.target?.closest?.('a[href="/high-risk"]')) b.click = e.timeStamp; }, true);
  window.addEventListener('keydown', (e) => { if (typedIn(e)) Object.assign(b, { key: e.timeStamp, keyAt: performance.now() }); }, true);
  const channel = new MessageChannel();
  channel.port1.onmessage = () => {
    b.done = performance.now();
    requestAnimationFrame(() => { b.keyFrame = performance.now(); });
  };
  window.addEventListener('input', (e) => {
    if (!typedIn(e)) return;
    b.inputAt = performance.now();
    channel.port2.postMessage(0);
  }, true);
  window.addEventListener('input', (e) => { if (typedIn(e)) b.inputDone = performance.now(); });
  const check = () => {
    if (b.click === null || b.drawn !== null) return;
    const count = document.querySelector('[data-test=hr-count]');
    if (!count || !/^50000 users/.test(count.textContent) || !document.querySelector('.vlist .vrow:not(.vhead)')) return;
    b.drawn = performance.now();
    requestAnimationFrame(() => { b.frame = performance.now(); });
  };
  new MutationObserver(check).observe(document, { childList: true, subtree: true, characterData: true });
}

async function heap(cdp, page) {
  await cdp.send('HeapProfiler.collectGarbage');
  const h = await cdp.send('Runtime.getHeapUsage');
  const wasm = await page.evaluate(() => window.__h.memory?.buffer.byteLength ?? null);
  return { used: h.usedSize, wasm };
}

const big = JSON.stringify({
  users: Array.from({ length: N }, (_, i) => ({ email: `user.${String(i).padStart(5, '0')}@big.example`, primaryUsername: `u${i}`, alternateUsername: '' })),
});

const browser = await launch();
try {
  const first = [];
  const fromResponse = [];
  const heapUsed = [];
  const wasmMemory = [];
  const heapUsedDelta = [];
  const wasmMemoryDelta = [];
  // Per keystroke: keydown → end of task, dispatch → end of task, the input event, → next frame.
  const filterKeys = { done: [], work: [], input: [], frame: [] };
  const floorKeys = { done: [], work: [], input: [], frame: [] };
  for (let run = 0; run < RUNS; run++) {
    const { page, context } = await open(browser);
    await context.addInitScript(marks);
    await page.route('**/AdminInterface/restapi/v2/users/highrisk', (route) => route.fulfill({ status: 200, contentType: 'application/json', body: big }));
    await page.reload();
    await connectKeyFile(page, 'superadmin.key');
    await page.locator('#search-box').waitFor();
    const cdp = await context.newCDPSession(page);
    await cdp.send('HeapProfiler.enable');
    const before = await heap(cdp, page);
    await page.getByRole('link', { name: 'High-risk list' }).first().click();
    await page.waitForFunction(() => window.__h.frame !== null, null, { timeout: 60000, polling: 20 });
    const t = await page.evaluate(() => {
      const b = window.__h;
      const r = performance.getEntriesByType('resource').filter((e) => e.name.includes('/v2/users/highrisk')).pop();
      return { ...b, responseEnd: r?.responseEnd ?? null };
    });
    first.push(t.frame - t.click);
    if (t.responseEnd !== null) fromResponse.push(t.frame - t.responseEnd);
    const after = await heap(cdp, page);
    heapUsed.push(after.used / 2 ** 20);
    heapUsedDelta.push((after.used - before.used) / 2 ** 20);
    if (after.wasm !== null) {
      wasmMemory.push(after.wasm / 2 ** 20);
      wasmMemoryDelta.push((after.wasm - before.wasm) / 2 ** 20);
    }

    const press = async (key, into) => {
      await page.evaluate(() => Object.assign(window.__h, { key: null, keyAt: null, inputAt: null, inputDone: null, done: null, keyFrame: null }));
      await page.keyboard.press(key);
      await page.waitForFunction(() => window.__h.keyFrame !== null, null, { timeout: 15000, polling: 5 });
      const k = await page.evaluate(() => window.__h);
      into.done.push(k.done - k.key);
      into.work.push(k.done - k.keyAt);
      into.input.push(k.inputDone - k.inputAt);
      into.frame.push(k.keyFrame - k.key);
    };
    await page.locator('#hr-filter').focus();
    for (const key of TYPED) await press(key, filterKeys);
    // The keystrokes measured did filter: 10 entries match the whole of TYPED.
    await page.locator('[data-test=hr-count]').filter({ hasText: `10 of ${N} users match` }).waitFor({ timeout: 5000 });
    for (let i = 0; i < TYPED.length; i++) await press('Backspace', filterKeys);
    await page.locator('[data-test=hr-count]').filter({ hasText: `${N} users on the high-risk list` }).waitFor({ timeout: 5000 });
    // The same keys where nothing of ours listens: what the browser takes anyway.
    await page.evaluate(() => {
      const probe = Object.assign(document.createElement('input'), { id: 'bench-probe', type: 'search' });
      document.body.append(probe);
      probe.focus();
    });
    for (const key of TYPED) await press(key, floorKeys);
    for (let i = 0; i < TYPED.length; i++) await press('Backspace', floorKeys);
    await cdp.detach();
    await context.close();
  }
  const figures = [
    figure('highrisk.first_render', 'high-risk list of 50,000: click → first rows drawn (next frame)', 'ms', first),
    figure('highrisk.first_render_from_response', 'high-risk list of 50,000: response end → first rows drawn', 'ms', fromResponse),
    figure('highrisk.keystroke', 'high-risk filter over 50,000: keystroke → handled (end of its task)', 'ms', filterKeys.done, { stats: 'percentiles' }),
    figure('highrisk.keystroke_frame', 'high-risk filter over 50,000: keystroke → next frame', 'ms', filterKeys.frame, { stats: 'percentiles' }),
    figure('highrisk.keystroke_work', 'high-risk filter over 50,000: keydown dispatched to the page → handled (end of its task)', 'ms', filterKeys.work, { stats: 'percentiles' }),
    figure('highrisk.keystroke_input', 'high-risk filter over 50,000: the input event, the console\'s handler and every update it queued', 'ms', filterKeys.input, { stats: 'percentiles' }),
    figure('highrisk.floor', 'the same keys in a plain input on the same page: keystroke → handled (the browser\'s floor)', 'ms', floorKeys.done, { stats: 'percentiles' }),
    figure('highrisk.floor_work', 'the same keys in a plain input: keydown dispatched → handled', 'ms', floorKeys.work, { stats: 'percentiles' }),
    figure('highrisk.floor_input', 'the same keys in a plain input: the input event, first listener → last', 'ms', floorKeys.input, { stats: 'percentiles' }),
    figure('highrisk.heap_js', 'high-risk list of 50,000: JS heap used after loading', 'MiB', heapUsed),
    figure('highrisk.heap_js_delta', 'high-risk list of 50,000: JS heap used, growth from the search page', 'MiB', heapUsedDelta),
  ];
  if (wasmMemory.length) {
    figures.push(figure('highrisk.wasm_memory', 'high-risk list of 50,000: wasm memory after loading', 'MiB', wasmMemory));
    figures.push(figure('highrisk.wasm_memory_delta', 'high-risk list of 50,000: wasm memory, growth from the search page', 'MiB', wasmMemoryDelta));
  }
  write({ figures, counts: { runs: RUNS, keystrokes: filterKeys.done.length, keystrokesOver16ms: filterKeys.done.filter((t) => t > 16).length, keystrokeWorkOver16ms: filterKeys.work.filter((t) => t > 16).length, inputOver16ms: filterKeys.input.filter((t) => t > 16).length } });
  console.log(`bench-highrisk: ${RUNS} loads of 50,000 entries, ${filterKeys.done.length} filter keystrokes`);
} finally {
  await browser.close();
}
