// Accessibility (issue 10): axe-core on every page and state, with no serious or critical
// finding; and the main flows done with the keyboard alone.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { launch, open, connectKeyFile, connectOAuth, connectToken, legacyJwt, search, textMatching, sandbox } from './helpers.mjs';

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

let browser;
before(async () => { browser = await launch(); });
after(async () => {
  await sandbox('/_sandbox/faults', { latencyMs: 0 });
  await browser?.close();
});

// axe is put into the page through the DevTools protocol (evaluate), which the page's CSP
// does not govern: nothing inline is added to the console.
async function findings(page, state) {
  await page.evaluate(AXE);
  const result = await page.evaluate(() => globalThis.axe.run(document, { resultTypes: ['violations'] }));
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${state}: ${v.id} (${v.impact}) ${v.help}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
}

describe('axe-core: no serious or critical finding', () => {
  it('on every page and state', async () => {
    const { page, context } = await open(browser);
    const found = [];
    const check = async (state) => found.push(...(await findings(page, state)));

    await page.getByRole('heading', { name: 'Connect to your tenant' }).waitFor();
    await check('connect: key file');
    await page.getByRole('tab', { name: 'OAuth client' }).click();
    await check('connect: OAuth client');
    await page.getByRole('tab', { name: 'Token' }).click();
    await check('connect: token');
    await connectKeyFile(page, 'superadmin.key');

    await search(page, '@example.com');
    await textMatching(page.locator('[data-test=summary]'), /page 1 of/);
    await check('search results');
    await search(page, 'zz-nobody');
    await page.locator('[data-test=no-results]').waitFor();
    await check('search, nothing found');

    await page.goto(`${process.env.CONSOLE_URL}/users/${encodeURIComponent('full.user@example.com')}`);
    await connectKeyFile(page, 'superadmin.key');
    await page.locator('[data-test=email]').waitFor();
    await check('user');
    await page.locator('[data-test=status-toggle]').click();
    await page.getByRole('dialog').waitFor();
    await check('confirm dialog');
    await page.keyboard.press('Escape');
    await page.goto(`${process.env.CONSOLE_URL}/users/${encodeURIComponent('nobody.here@example.com')}`);
    await connectKeyFile(page, 'superadmin.key');
    await textMatching(page.getByRole('alert'), /404/);
    await check('user not found');

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'High-risk list' }).click();
    await page.locator('[data-test=hr-count]').waitFor();
    await check('high-risk list');

    await page.goto(`${process.env.CONSOLE_URL}/high-risk/bulk`);
    await connectKeyFile(page, 'superadmin.key');
    await page.locator('#bulk-input').fill('nobody.a11y.1@nowhere.example\nnobody.a11y.2@nowhere.example\n""');
    await check('bulk form');
    await page.locator('[data-test=bulk-start]').click();
    await check('bulk confirmation');
    await sandbox('/_sandbox/faults', { latencyMs: 2000 });
    await page.locator('[data-test=bulk-confirm]').click();
    await textMatching(page.locator('[data-test=progress]'), /settled/);
    await check('bulk running');
    await sandbox('/_sandbox/faults', { latencyMs: 0 });
    await page.locator('[data-test=accounted]').waitFor({ timeout: 30000 });
    await check('bulk finished');

    await page.getByRole('link', { name: /Action log/ }).click();
    await page.locator('table.log').waitFor();
    await check('action log');
    await page.getByRole('button', { name: 'Disconnect' }).click();

    await connectOAuth(page, 'oauth-client.json');
    await page.goto(`${process.env.CONSOLE_URL}/users/${encodeURIComponent('local.user@example.com')}/edit`);
    await connectOAuth(page, 'oauth-client.json');
    await page.locator('#f-firstName').waitFor();
    await check('edit');
    await page.locator('#f-firstName').fill('');
    await page.getByRole('button', { name: 'Review changes' }).click();
    await page.locator('[data-field=firstName] .field-error').waitFor();
    await check('edit, a field refused');

    assert.deepEqual(found, []);
    await context.close();
  });
});

describe('the main flows with the keyboard alone', () => {
  it('connect with a pasted token, search, open a user, disable with confirmation, undo', async () => {
    const { page, context } = await open(browser);
    const key = (k) => page.keyboard.press(k);
    const focused = () => page.evaluate(() => ({ id: document.activeElement?.id, text: document.activeElement?.textContent?.trim(), tag: document.activeElement?.tagName }));
    // Tab to the tab list, then along it with the arrow keys or Tab, to "Token".
    await page.getByRole('heading', { name: 'Connect to your tenant' }).waitFor();
    for (let i = 0; i < 12 && (await focused()).text !== 'Token'; i++) await key('Tab');
    assert.equal((await focused()).text, 'Token');
    await key('Enter');
    for (let i = 0; i < 6 && (await focused()).id !== 'token'; i++) await key('Tab');
    assert.equal((await focused()).id, 'token');
    await page.keyboard.insertText(legacyJwt('helpdesk.key'));
    for (let i = 0; i < 6 && (await focused()).text !== 'Connect'; i++) await key('Tab');
    await key('Enter');
    await page.locator('#search-box').waitFor();

    // The box has the focus once connected; elsewhere, `/` brings it there.
    if ((await focused()).id !== 'search-box') await key('/');
    assert.equal((await focused()).id, 'search-box');
    await page.keyboard.type('jose.muller@');
    await textMatching(page.locator('#results .email'), /^jose\.muller@example\.com$/);
    await key('ArrowDown');
    await key('Enter');
    await page.locator('[data-test=email]').waitFor();

    for (let i = 0; i < 40 && (await focused()).text !== 'Disable user'; i++) await key('Tab');
    assert.equal((await focused()).text, 'Disable user');
    await key('Enter');
    await page.getByRole('dialog').waitFor();
    for (let i = 0; i < 4 && (await focused()).text !== 'Disable'; i++) await key('Tab');
    assert.equal((await focused()).text, 'Disable');
    await key('Enter');
    await textMatching(page.locator('[data-test=status]'), /^Disabled$/);
    for (let i = 0; i < 40 && (await focused()).text !== 'Undo'; i++) await key('Tab');
    assert.equal((await focused()).text, 'Undo');
    await key('Enter');
    await textMatching(page.locator('[data-test=status]'), /^Enabled$/);
    await context.close();
  });

  it('a bulk job', async () => {
    const { page, context } = await open(browser, '/high-risk/bulk');
    await connectToken(page, legacyJwt('superadmin.key'));
    const key = (k) => page.keyboard.press(k);
    const focused = () => page.evaluate(() => ({ id: document.activeElement?.id, text: document.activeElement?.textContent?.trim() }));
    await page.locator('#bulk-input').waitFor();
    for (let i = 0; i < 30 && (await focused()).id !== 'bulk-input'; i++) await key('Tab');
    assert.equal((await focused()).id, 'bulk-input');
    await page.keyboard.insertText('nobody.keys.1@nowhere.example\nnobody.keys.2@nowhere.example');
    for (let i = 0; i < 10 && !/^Add: send 2/.test((await focused()).text ?? ''); i++) await key('Tab');
    await key('Enter');
    // The confirmation takes the focus.
    assert.equal((await focused()).text, 'Add 2');
    await key('Enter');
    const summary = await textMatching(page.locator('[data-test=accounted]'), /accounted for/, 30000);
    assert.match(summary, /^All 2 identifiers accounted for: 0 added, 2 not found/);
    await context.close();
  });
});
