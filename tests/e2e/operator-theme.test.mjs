// Dark mode and layout (issue 13): the theme follows the system setting (emulated), the
// header's switch overrides it and is remembered only once used, text keeps WCAG AA contrast
// in both themes on the main screens, and those screens fit 768 px without scrolling sideways.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, open, assertClean, connectKeyFile, search, textMatching } from './helpers.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const background = (page) => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
const stored = (page) => page.evaluate(() => JSON.stringify(Object.fromEntries(Object.entries(localStorage))));
const LIGHT_BG = 'rgb(247, 248, 250)';
const DARK_BG = 'rgb(20, 23, 28)';

// Every piece of visible text on the page whose contrast with what is behind it is under
// `min`: text colour against the first opaque background up the tree (WCAG 2 formula).
// Disabled controls are exempt (WCAG 1.4.3), as is what is still fading in.
function lowContrast(min) {
  const rgb = (c) => (c.match(/[\d.]+/g) ?? []).map(Number);
  const lum = ([r, g, b]) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
  const behind = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c.length >= 3 && (c.length === 3 || c[3] > 0.9)) return c;
    }
    return rgb(getComputedStyle(document.documentElement).backgroundColor);
  };
  const bad = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!n.textContent.trim() || !el || !el.checkVisibility({ opacityProperty: true, visibilityProperty: true })) continue;
    if (el.closest(':disabled, [aria-disabled=true], .busy, dialog:not([open]), .skip')) continue;
    const r = ratio(rgb(getComputedStyle(el).color), behind(el));
    if (r < min) bad.push(`${r.toFixed(2)} "${n.textContent.trim().slice(0, 40)}" in <${el.tagName.toLowerCase()} class="${el.className}">`);
  }
  return bad;
}

describe('dark mode', () => {
  it('follows the system setting', async () => {
    for (const [colorScheme, bg, checked] of [['dark', DARK_BG, 'true'], ['light', LIGHT_BG, 'false']]) {
      const { page, problems, context } = await open(browser, '/', { colorScheme });
      await page.locator('[data-test=theme-switch]').waitFor();
      assert.equal(await background(page), bg, `${colorScheme} system, ${colorScheme} console`);
      assert.equal(await page.locator('[data-test=theme-switch]').getAttribute('aria-checked'), checked);
      assert.equal(await stored(page), '{}', 'nothing stored while the switch is not used');
      assertClean(problems);
      await context.close();
    }
  });

  it('follows a change of the system setting while open', async () => {
    const { page, context } = await open(browser, '/', { colorScheme: 'light' });
    await page.locator('[data-test=theme-switch]').waitFor();
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.waitForFunction(() => document.querySelector('[data-test=theme-switch]').getAttribute('aria-checked') === 'true');
    assert.equal(await background(page), DARK_BG);
    await context.close();
  });

  it('the switch overrides the system, is remembered across a reload, and switching back forgets it', async () => {
    const { page, problems, context } = await open(browser, '/', { colorScheme: 'light' });
    const toggle = page.getByRole('switch', { name: 'Dark theme' });
    await toggle.click();
    assert.equal(await toggle.getAttribute('aria-checked'), 'true');
    assert.equal(await background(page), DARK_BG);
    assert.equal(await stored(page), '{"cas-console-theme":"dark"}', 'the choice, and nothing else');
    await page.reload();
    await toggle.waitFor();
    assert.equal(await background(page), DARK_BG, 'remembered');
    // Connected, the switch is still there and still works.
    await connectKeyFile(page, 'helpdesk.key');
    await toggle.click();
    assert.equal(await background(page), LIGHT_BG);
    assert.equal(await stored(page), '{}', 'back to what the system says: the console follows it again');
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.waitForFunction(() => getComputedStyle(document.body).backgroundColor === 'rgb(20, 23, 28)');
    // And the other way round: light chosen on a dark system is remembered as light.
    await toggle.click();
    assert.equal(await background(page), LIGHT_BG);
    assert.equal(await stored(page), '{"cas-console-theme":"light"}');
    assertClean(problems);
    await context.close();
  });

  it('keeps text at 4.5:1 or more and the focus ring at 3:1 in both themes on the main screens', async () => {
    for (const colorScheme of ['light', 'dark']) {
      const { page, problems, context } = await open(browser, '/', { colorScheme });
      const check = async (screen) => {
        const bad = await page.evaluate(lowContrast, 4.5);
        assert.deepEqual(bad, [], `${colorScheme}, ${screen}: text below 4.5:1`);
      };
      await page.locator('#key-file').waitFor();
      await check('connect');
      await connectKeyFile(page, 'superadmin.key');
      await search(page, 'doe');
      await textMatching(page.locator('#results .email'), /doe/);
      await page.keyboard.press('ArrowDown');
      await check('search results');
      await search(page, 'high.risk@');
      await textMatching(page.locator('#results .email'), /high\.risk@/);
      await page.locator('#results a').first().click();
      await page.locator('[data-test=high-risk-badge]').waitFor();
      await check('user');
      await page.locator('[data-test=status-toggle]').click();
      await page.getByRole('dialog').waitFor();
      await check('confirmation');
      await page.keyboard.press('Escape');
      await page.keyboard.press('h');
      await textMatching(page.locator('[data-test=hr-count]'), /on the high-risk list/);
      await page.locator('.vlist input[type=checkbox]').first().check();
      await check('high-risk list');
      // A job of identifiers nobody has: outcomes of every kind of colour, nothing changed.
      await page.getByRole('link', { name: 'Add or remove many…' }).click();
      await page.locator('#bulk-input').fill('nobody.1@nowhere.example\nnobody.1@nowhere.example\n""');
      await page.locator('[data-test=bulk-start]').click();
      await page.locator('[data-test=bulk-confirm]').click();
      await textMatching(page.locator('[data-test=accounted]'), /accounted for/, 30000);
      await check('bulk outcome');
      await page.keyboard.press('?');
      await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
      await check('shortcut list');
      await page.keyboard.press('Escape');
      await page.keyboard.press('l');
      await page.locator('table.log').waitFor();
      await check('action log');
      // The focus ring, as the keyboard shows it, against the page.
      await page.locator('[data-test=shortcuts]').focus();
      await page.keyboard.press('Shift+Tab');
      await page.keyboard.press('Tab');
      const ring = await page.evaluate(() => {
        const b = document.activeElement;
        return [getComputedStyle(b).outlineColor, getComputedStyle(document.body).backgroundColor, getComputedStyle(b).outlineStyle, b.dataset.test];
      });
      assert.deepEqual(ring.slice(2), ['solid', 'shortcuts'], 'a visible ring on the focused button');
      const contrast = await page.evaluate(([a, b]) => {
        const rgb = (c) => c.match(/[\d.]+/g).map(Number);
        const lum = ([r, g, bl]) => [r, g, bl].map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
          .reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0);
        const [x, y] = [lum(rgb(a)), lum(rgb(b))].sort((p, q) => q - p);
        return (x + 0.05) / (y + 0.05);
      }, ring);
      assert.ok(contrast >= 3, `${colorScheme}: focus ring ${ring[0]} on ${ring[1]} is ${contrast.toFixed(2)}:1`);
      assertClean(problems);
      await context.close();
    }
  });
});

describe('layout from 768 px', () => {
  const sideways = (page) => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

  for (const width of [768, 1920]) {
    it(`the main pages fit ${width} px: no sideways scrolling`, async () => {
      const { page, problems, context } = await open(browser, '/', { viewport: { width, height: 1000 } });
      const fits = async (screen) => assert.equal(await sideways(page), 0, `${screen} at ${width} px scrolls sideways`);
      await page.locator('#key-file').waitFor();
      await fits('connect');
      await connectKeyFile(page, 'superadmin.key');
      await fits('search, empty');
      await search(page, '@example.com');
      await textMatching(page.locator('[data-test=summary]'), /page 1 of/);
      await fits('search results');
      await search(page, 'markup.user@');
      await textMatching(page.locator('#results .email'), /markup\.user@/);
      await page.locator('#results a').first().click();
      await page.locator('[data-test=email]').waitFor();
      await page.locator('details summary').click();
      await fits('user (raw answer open)');
      await page.keyboard.press('h');
      await textMatching(page.locator('[data-test=hr-count]'), /on the high-risk list/);
      await fits('high-risk list');
      await page.getByRole('link', { name: 'Add or remove many…' }).click();
      await page.locator('#bulk-input').waitFor();
      await fits('bulk form');
      await page.locator('#bulk-input').fill('nobody.2@nowhere.example');
      await page.locator('[data-test=bulk-start]').click();
      await page.locator('[data-test=bulk-confirm]').click();
      await textMatching(page.locator('[data-test=accounted]'), /accounted for/, 30000);
      await fits('bulk outcome');
      await page.keyboard.press('l');
      await page.locator('table.log').waitFor();
      await fits('action log');
      await page.keyboard.press('?');
      await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
      await fits('shortcut list');
      const box = await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).boundingBox();
      assert.ok(box.x >= 0 && box.x + box.width <= width, `the shortcut list fits (${JSON.stringify(box)})`);
      await page.keyboard.press('Escape');
      if (width > 1400) {
        const main = await page.locator('main').boundingBox();
        assert.ok(main.width <= 1400 && main.x > 0, `on a wide monitor the page keeps a readable width, centred (${JSON.stringify(main)})`);
      }
      assertClean(problems);
      await context.close();
    });
  }
});
