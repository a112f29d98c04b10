// Keyboard first (issue 13): the `?` list of shortcuts, the page keys, Escape, focus that
// lands where the operator expects, and a pass from search to undo without the mouse.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, open, assertClean, connectKeyFile, textMatching, api } from './helpers.mjs';

let browser, page, context, problems;
before(async () => {
  browser = await launch();
  ({ page, context, problems } = await open(browser));
  await connectKeyFile(page, 'helpdesk.key');
});
after(async () => { await browser?.close(); });

// What has the focus: tag, id, data-test and text, for assertions and their messages.
const focused = () => page.evaluate(() => {
  const el = document.activeElement;
  return { tag: el?.tagName, id: el?.id, test: el?.dataset?.test ?? null, text: el?.textContent?.trim() ?? '' };
});
async function focusWhere(check, what, timeout = 10000) {
  const end = Date.now() + timeout;
  let last;
  while (Date.now() < end) {
    last = await focused();
    if (check(last)) return last;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`the focus never landed on ${what}; it is on ${JSON.stringify(last)}`);
}
// `/`, the whole email, ↓ and Enter: the user's page, from wherever the page is.
async function openByKeyboard(email) {
  await page.locator('h1').click();
  await page.keyboard.press('/');
  await page.keyboard.type(email);
  const exact = new RegExp(`^${email.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
  await textMatching(page.locator('#results .email').first(), exact);
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await page.waitForURL((u) => new URL(u).pathname === `/users/${email}`);
}
const serverStatus = async (email) => (await api('POST', '/v1/users/lookup', { email })).body.userStatus;

describe('the shortcut list', () => {
  it('? opens an accessible dialog listing every shortcut; Escape closes it and the focus goes back', async () => {
    const link = page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'High-risk list' });
    await link.focus();
    await page.keyboard.press('?');
    const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await dialog.waitFor();
    const keys = await dialog.locator('tbody tr td:first-child').allTextContents();
    const rows = (await dialog.locator('tbody tr').allTextContents()).join('\n');
    for (const k of ['/', 'h', 'l', '?', 'Esc', '↓', 'Enter', 'Space', 'Shift']) {
      assert.ok(keys.some((cell) => cell.split(/\s+/).includes(k)), `${k} is listed (${keys.join(' | ')})`);
    }
    assert.match(rows, /high-risk list/);
    assert.match(rows, /action log/);
    assert.match(rows, /search box/);
    assert.equal(await dialog.evaluate((d) => d.open && d.matches(':modal')), true, 'a modal dialog');
    assert.equal(await dialog.evaluate((d) => d.contains(document.activeElement)), true, 'the focus is in the dialog');
    // While it is open the page keys do nothing.
    await page.keyboard.press('l');
    assert.doesNotMatch(page.url(), /\/log$/);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    assert.equal(await link.evaluate((a) => a === document.activeElement), true, 'the focus is back on what opened the dialog');
    // The header's button opens the same list, for a mouse.
    await page.locator('[data-test=shortcuts]').click();
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'hidden' });
    assert.equal(await page.locator('[data-test=shortcuts]').evaluate((b) => b === document.activeElement), true);
    assertClean(problems);
  });

  it('h and l open the high-risk list and the log with the focus on their heading; / comes back to the search box', async () => {
    await page.keyboard.press('l');
    await page.waitForURL(/\/log$/);
    await focusWhere((f) => f.tag === 'H1' && f.text === 'Action log', 'the log\'s heading');
    await page.keyboard.press('h');
    await page.waitForURL(/\/high-risk$/);
    // A Help Desk key may not read the list; the page still gets the focus on its heading.
    await focusWhere((f) => f.tag === 'H1' && f.text === 'High-risk users', 'the list\'s heading');
    await page.keyboard.press('/');
    await page.waitForURL((u) => new URL(u).pathname === '/');
    await focusWhere((f) => f.id === 'search-box', 'the search box');
    // On the search page itself, / only moves the focus.
    await page.locator('h1').click();
    await page.keyboard.press('/');
    await focusWhere((f) => f.id === 'search-box', 'the search box');
  });

  it('never fires while typing in a field; Escape clears the search box and its results', async () => {
    await page.locator('#search-box').focus();
    await page.keyboard.type('l?h/');
    assert.equal(await page.locator('#search-box').inputValue(), 'l?h/');
    assert.equal(new URL(page.url()).pathname, '/');
    assert.equal(await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).isVisible(), false);
    await page.locator('#search-box').fill('doe');
    await textMatching(page.locator('#results .email'), /doe/);
    await page.keyboard.press('Escape');
    assert.equal(await page.locator('#search-box').inputValue(), '');
    await page.locator('#results').waitFor({ state: 'detached' });
    await page.waitForURL((u) => new URL(u).search === '');
    assert.equal((await focused()).id, 'search-box', 'the focus stays in the box');
  });
});

describe('keyboard only: search → user → disable → undo', () => {
  it('goes from the search box to a user, disables them and undoes it, the focus always where the next key is', async () => {
    const email = 'jose.muller@example.com';
    assert.equal(await serverStatus(email), 'Enabled');
    await openByKeyboard(email);
    // After the navigation: the page's heading.
    await focusWhere((f) => f.tag === 'H1' && /José Müller/.test(f.text), 'the user\'s heading');

    // Tab to the status button (the next control after the heading).
    let f;
    for (let i = 0; i < 10 && (f = await focused()).test !== 'status-toggle'; i++) await page.keyboard.press('Tab');
    assert.equal(f.test, 'status-toggle', `Tab reaches "Disable user" (${JSON.stringify(f)})`);
    assert.equal(f.text, 'Disable user');
    const ring = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
    assert.equal(ring, 'solid', 'the focus is visible');

    // Escape closes the confirmation without a change and the focus goes back to the button.
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    assert.match(await dialog.textContent(), /Disable José Müller \(jose\.muller@example\.com\)\?/);
    assert.equal((await focused()).text, 'Cancel', 'the confirmation opens on the safe answer');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    assert.equal((await focused()).test, 'status-toggle');
    assert.equal(await serverStatus(email), 'Enabled');

    // Enter, Tab to "Disable", Enter: disabled, and the focus lands on Undo.
    await page.keyboard.press('Enter');
    await dialog.waitFor();
    await page.keyboard.press('Tab');
    assert.equal((await focused()).text, 'Disable');
    await page.keyboard.press('Enter');
    await textMatching(page.locator('[data-test=status]'), /^Disabled$/);
    await textMatching(page.locator('.note.ok'), /is now Disabled/);
    assert.equal(await serverStatus(email), 'Disabled');
    await focusWhere((f) => f.test === 'undo', 'Undo');

    // Enter on Undo: enabled again, and the focus lands on the outcome, which says so.
    await page.keyboard.press('Enter');
    await textMatching(page.locator('[data-test=status]'), /^Enabled$/);
    assert.equal(await serverStatus(email), 'Enabled');
    const outcome = await focusWhere((f) => f.test === 'outcome', 'the outcome');
    assert.match(outcome.text, /is now Enabled/);

    // And the log is a key away.
    await page.keyboard.press('l');
    await page.waitForURL(/\/log$/);
    const log = (await page.locator('table.log tbody tr').allTextContents()).join('\n');
    assert.match(log, /Disable user.*jose\.muller@example\.com.*succeeded/);
    assert.match(log, /Enable user \(undo\).*jose\.muller@example\.com.*succeeded/);
    assertClean(problems);
  });
});

// A dialog's `close` event is a task, and Chromium runs input first: Escape and then Enter (or
// `?`) pressed at once reopen the dialog before the event for the first closing arrives. That
// late event must not dismiss the new question (CI caught the confirmation never reopening).
describe('keys pressed faster than the page', () => {
  // The dialog is open and stays open once the page has had a frame and a task to settle.
  async function stillOpen(dialog, what) {
    await dialog.waitFor({ timeout: 5000 });
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 50))));
    assert.equal(await dialog.isVisible(), true, `${what} is still open`);
  }

  it('Escape then Enter at once asks again, and the late close changes nothing', async () => {
    const email = 'jose.muller@example.com';
    await openByKeyboard(email);
    const toggle = page.locator('[data-test=status-toggle]');
    const dialog = page.getByRole('dialog');
    for (let i = 0; i < 30; i++) {
      await toggle.focus();
      await page.keyboard.press('Enter');
      await dialog.waitFor();
      await page.keyboard.press('Escape');
      await page.keyboard.press('Enter');
      await stillOpen(dialog, `the confirmation (round ${i + 1})`);
      assert.match(await dialog.textContent(), /Disable José Müller/);
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'hidden' });
    }
    assert.equal((await focused()).test, 'status-toggle');
    assert.equal(await serverStatus(email), 'Enabled');
  });

  it('Escape then ? at once shows the shortcut list again', async () => {
    await page.locator('h1').click();
    const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    for (let i = 0; i < 30; i++) {
      await page.keyboard.press('?');
      await dialog.waitFor();
      await page.keyboard.press('Escape');
      await page.keyboard.press('?');
      await stillOpen(dialog, `the shortcut list (round ${i + 1})`);
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'hidden' });
    }
    assertClean(problems);
  });
});
