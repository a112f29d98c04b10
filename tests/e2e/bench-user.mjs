// Benchmark, run by `cargo xtask bench`: the user page, from a click in the search results to
// every panel drawn, against the sandbox with 10,000 users, through nginx with deploy/nginx.conf.
//
// "Every panel drawn" is PANELS below, each matched at least once, the help-desk panels
// (`[data-panel]`, seven of them: diagnosis, history, locks, authenticators, emergency, sync,
// deletion) all there, and none still loading (`data-busy`, or `aria-busy="true"`): the
// sign-in history and the authenticators are two more requests after the lookup.
import { launch, open, connectKeyFile, api } from './helpers.mjs';
import { write, figure } from './bench-common.mjs';

const CLICKS = Number(process.env.CLICKS ?? 30);
const PANELS = ['#user-title', '.actions', '.groups > section'];
const HELP_DESK_PANELS = 7;

function marks([panels, helpDesk]) {
  const b = { click: null, drawn: null, frame: null };
  window.__u = b;
  document.addEventListener('click', (e) => { if (e.target?.closest?.('#results a')) b.click = e.timeStamp; }, true);
  const check = () => {
    if (b.click === null || b.drawn !== null) return;
    if (!panels.every((p) => document.querySelector(p))) return;
    if (document.querySelectorAll('[data-panel]').length < helpDesk) return;
    if (document.querySelector('main [aria-busy="true"], [data-panel][aria-busy="true"], [data-panel][data-busy]')) return;
    b.drawn = performance.now();
    requestAnimationFrame(() => { b.frame = performance.now(); });
  };
  new MutationObserver(check).observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: ['aria-busy', 'data-busy'] });
}

const browser = await launch();
try {
  // A query with a full page of results, from the sandbox itself.
  const { body } = await api('POST', '/v2/users/search?pageSize=25&pageNumber=0', { emailLike: '@' });
  const first = body.elements[0].emailAddress.split('.')[0];
  const { page, context } = await open(browser);
  await context.addInitScript(marks, [PANELS, HELP_DESK_PANELS]);
  await page.reload();
  await connectKeyFile(page, 'superadmin.key');
  const drawn = [];
  const frames = [];
  for (let i = 0; i < CLICKS; i++) {
    await page.locator('#search-box').fill(`${first}.`);
    await page.locator('#results a').nth(24).waitFor({ timeout: 15000 });
    await page.evaluate(() => Object.assign(window.__u, { click: null, drawn: null, frame: null }));
    await page.locator('#results a').nth(i % 25).click();
    await page.waitForFunction(() => window.__u.frame !== null, null, { timeout: 15000, polling: 10 });
    const u = await page.evaluate(() => window.__u);
    drawn.push(u.drawn - u.click);
    frames.push(u.frame - u.click);
    await page.goBack();
  }
  await context.close();
  write({
    figures: [
      figure('user.click_to_panels', 'user page: click in the results → every panel drawn (next frame)', 'ms', frames),
      figure('user.click_to_dom', 'user page: click in the results → every panel in the page', 'ms', drawn),
    ],
    panels: PANELS,
  });
  console.log(`bench-user: ${CLICKS} clicks from the results to the user page`);
} finally {
  await browser.close();
}
