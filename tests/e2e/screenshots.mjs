// The README's screenshots (`cargo xtask screenshots`, xtask/src/screenshots.rs): each main
// screen of the real console against the sandbox, in light and in dark (the system setting,
// emulated), written to SCREENSHOT_DIR as <screen>-<light|dark>.png. Not a test: it asserts
// only what it needs to be sure each screen is ready before it is taken.
import { join } from 'node:path';
import { launch, connectKeyFile, api, search, textMatching, CONSOLE_URL } from './helpers.mjs';

const OUT = process.env.SCREENSHOT_DIR ?? 'docs/screenshots';
const browser = await launch();
const taken = [];

async function screens(colorScheme) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme, reducedMotion: 'reduce' });
  const page = await context.newPage();
  const shot = async (name) => {
    // No caret blinking into the picture.
    await page.evaluate(() => document.activeElement?.blur?.());
    const path = join(OUT, `${name}-${colorScheme}.png`);
    await page.screenshot({ path, animations: 'disabled' });
    taken.push(path);
  };
  await page.goto(CONSOLE_URL + '/');
  await page.locator('#key-file').waitFor();
  await shot('connect');

  await connectKeyFile(page, 'superadmin.key');
  await search(page, 'doe');
  await textMatching(page.locator('[data-test=summary]'), /users? found/);
  await page.locator('#search-box').press('ArrowDown');
  await page.locator('#search-box').press('ArrowDown');
  await shot('search');

  await search(page, 'j.doe@example.com');
  await textMatching(page.locator('#results .email').first(), /^j\.doe@example\.com$/);
  await page.locator('#search-box').press('Enter');
  await page.locator('[data-test=email]').waitFor();
  await page.locator('[data-test=status-toggle]').click();
  await page.getByRole('dialog').getByRole('button', { name: 'Disable' }).click();
  await page.locator('[data-test=undo]').waitFor();
  await shot('user');
  await page.locator('[data-test=undo]').click();
  await textMatching(page.locator('[data-test=status]'), /^Enabled$/);

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'High-risk list' }).click();
  await textMatching(page.locator('[data-test=hr-count]'), /on the high-risk list/);
  const rows = page.locator('.vlist .vrow:not(.vhead)');
  const picked = await rows.locator('a').evaluateAll((as) => as.slice(1, 4).map((a) => a.textContent));
  await rows.nth(1).locator('input[type=checkbox]').click();
  await rows.nth(3).locator('input[type=checkbox]').click({ modifiers: ['Shift'] });
  await shot('high-risk-list');

  await page.locator('[data-test=hr-remove]').click();
  await page.getByRole('dialog').getByRole('button', { name: 'Remove from list' }).click();
  await textMatching(page.locator('[data-test=accounted]'), /accounted for/, 30000);
  await shot('bulk-outcome');
  // The same list for the other theme's pictures.
  await api('PUT', '/v1/users/highrisk', { action: 'add', users: picked });

  await page.getByRole('link', { name: /Action log/ }).click();
  await page.locator('table.log').waitFor();
  await shot('action-log');

  await page.keyboard.press('?');
  await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
  const path = join(OUT, `shortcuts-${colorScheme}.png`);
  await page.screenshot({ path, animations: 'disabled' });
  taken.push(path);
  await context.close();
}

try {
  for (const scheme of ['light', 'dark']) await screens(scheme);
  console.log(taken.map((p) => `  ${p}`).join('\n'));
} finally {
  await browser.close();
}
