// Emergency access: a code issued with the chosen terms, shown once with a copy button, and
// found nowhere else (storage, cookies, caches, the log and its CSV, the summary, the console,
// the URL); the tenant's locked settings; v1 where the tenant has no v2; disabling the code.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, assertClean, textMatching, api, sandbox, SANDBOX_URL, browserKept } from './helpers.mjs';
import { openFresh, openUser, panel, confirm, actionLog } from './helpdesk-common.mjs';

const EMAIL = 'j.doe2@example.com';
let browser, page, context, problems;
const urls = [];
before(async () => {
  browser = await launch();
  ({ page, context, problems } = await openFresh(browser, EMAIL));
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  page.on('framenavigated', (f) => urls.push(f.url()));
});
after(async () => {
  await fetch(`${SANDBOX_URL}/_sandbox/emergency-config`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ locked: false, oneTimeUse: true, expiryUnit: 'days', expiryValue: 1 }) });
  await browser?.close();
});

const eac = () => panel(page, 'emergency');
const lookup = async () => (await api('POST', '/v1/users/lookup', { email: EMAIL })).body;

describe('emergency access code', () => {
  let code;

  it('refuses a validity outside one minute to seven days before sending', async () => {
    await eac().locator('[data-test=validity]').selectOption('custom');
    await eac().locator('[data-test=custom-validity]').fill('169');
    await eac().getByLabel('Unit').selectOption('hours');
    await textMatching(eac().locator('[data-test=validity-error]'), /^A code is valid from 1 minute to 7 days: 1 to 168 hours\.$/);
    assert.equal(await eac().locator('[data-test=issue-code]').isDisabled(), true);
    await eac().locator('[data-test=validity]').selectOption({ label: '15 minutes' });
    assert.equal(await eac().locator('[data-test=validity-error]').count(), 0);
  });

  it('issues a one-use code for 15 minutes and shows it once, with a copy button', async () => {
    await eac().getByLabel('One use').check();
    await eac().locator('[data-test=issue-code]').click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    assert.match(await dialog.textContent(), /Issue an emergency access code for John Doe \(j\.doe2@example\.com\) \(one use, valid 15 minutes\)\?/);
    await confirm(page, 'Issue code', 'INC-9001 caller verified');
    const box = eac().locator('[data-test=issued-code]');
    await box.waitFor();
    code = (await box.locator('[data-test=code]').textContent()).trim();
    assert.match(code, /^\d{8}$/);
    assert.match(await box.textContent(), /One use/);
    const until = await box.locator('time').first().getAttribute('title');
    const minutes = (Date.parse(until) - Date.now()) / 60000;
    assert.ok(minutes > 13 && minutes <= 15.1, `valid about 15 minutes (${minutes.toFixed(1)})`);
    await box.getByRole('button', { name: 'Copy the emergency access code' }).click();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), code);
    const server = await lookup();
    assert.equal(server.emergencyAccessStatus, 'Enabled');
    await textMatching(eac().locator('[data-test=eac-status]'), /Enabled/);
    assert.ok(!(await eac().locator('.note.ok').textContent()).includes(code), 'not in the message');
  });

  it('keeps the code out of storage, cookies, caches, the log, its CSV, the summary, the console and the URL', async () => {
    // The page's text aside: the code's own box shows it.
    const stored = await browserKept(page, context);
    assert.equal(stored.local, '{}');
    assert.equal(stored.session, '{}');
    assert.equal(stored.dbs, '[]');
    assert.equal(stored.cookie, '');
    assert.equal(stored.cookies, '[]');
    assert.ok(!JSON.stringify(stored).includes(code), 'not in any storage, cookie, cache or the URL');
    assert.ok(!urls.join(' ').includes(code), 'never in an address');
    await page.locator('[data-test=copy-summary]').click();
    const summary = await page.evaluate(() => navigator.clipboard.readText());
    assert.match(summary, /Issue emergency access code: succeeded \(200 \(v2\), one use, valid until .*; reason: INC-9001 caller verified\)/);
    assert.ok(!summary.includes(code), 'not in the summary');
    // The code stays on screen until hidden; then it is nowhere in the page.
    await eac().locator('[data-test=hide-code]').click();
    assert.ok(!(await page.content()).includes(code), 'gone from the page once hidden');
    const { text, csv } = await actionLog(page, EMAIL);
    assert.match(text, /Issue emergency access code.*j\.doe2@example\.com.*succeeded/);
    assert.ok(!text.includes(code), 'not in the log');
    assert.ok(!csv.includes(code), 'not in the CSV');
    assert.ok(!problems.console.join('\n').includes(code), 'not in the console');
  });

  it('says when the tenant\'s locked settings overrode the request', async () => {
    await sandbox('/_sandbox/emergency-config', { locked: true, oneTimeUse: false, expiryUnit: 'days', expiryValue: 2 });
    await eac().getByLabel('One use').check();
    await eac().locator('[data-test=validity]').selectOption({ label: '1 hour' });
    await eac().locator('[data-test=issue-code]').click();
    await confirm(page, 'Issue code');
    const overridden = await textMatching(eac().locator('[data-test=overridden]'), /ignored the choice made here/);
    assert.match(overridden, /made the code with: many uses, valid 2 days/);
    assert.match(await eac().locator('[data-test=issued-code]').textContent(), /Many uses/);
    await eac().locator('[data-test=hide-code]').click();
    await sandbox('/_sandbox/emergency-config', { locked: false });
  });

  it('falls back to version 1 where the tenant has no version 2', async () => {
    // The route stands in for a tenant without v2 (404), not for our code.
    await page.route('**/AdminInterface/restapi/v2/users/*/emergencyTokencode', (route) =>
      route.fulfill({ status: 404, contentType: 'application/json', body: JSON.stringify({ code: '404 NOT_FOUND', description: 'Not found' }) }));
    await eac().locator('[data-test=validity]').selectOption({ label: '3 days' });
    await eac().locator('[data-test=issue-code]').click();
    await confirm(page, 'Issue code');
    const box = eac().locator('[data-test=issued-code]');
    await textMatching(box, /only version 1 of the API \(404\)/);
    const until = await box.locator('time').first().getAttribute('title');
    const days = (Date.parse(until) - Date.now()) / 86400000;
    assert.ok(days > 2.9 && days <= 3.01, `three whole days (${days.toFixed(2)})`);
    await page.unroute('**/AdminInterface/restapi/v2/users/*/emergencyTokencode');
    await eac().locator('[data-test=hide-code]').click();
  });

  it('disables the code after a confirmation', async () => {
    await eac().locator('[data-test=disable-code]').click();
    await confirm(page, 'Disable code', 'INC-9001 done');
    await textMatching(eac().locator('.note.ok'), /emergency access codes of John Doe \(j\.doe2@example\.com\) are disabled/);
    assert.equal((await lookup()).emergencyAccessStatus, 'Disabled');
    await openUser(page, EMAIL);
    await eac().locator('[data-test=disable-code]').waitFor({ state: 'detached' });
    assertClean(problems);
  });
});
