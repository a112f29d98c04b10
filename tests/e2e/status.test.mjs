// Enable/disable: confirmation, the server's answer shown, undo, and both 409 causes in words.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, open, assertClean, connectKeyFile, textMatching, api, search } from './helpers.mjs';

let browser, page, context, problems;
before(async () => {
  browser = await launch();
  ({ page, context, problems } = await open(browser));
  await connectKeyFile(page, 'helpdesk.key');
});
after(async () => { await browser?.close(); });

async function openUser(email) {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Search' }).click();
  await search(page, email);
  await page.locator('#results a', { hasText: email }).first().click();
  await textMatching(page.locator('[data-test=email]'), new RegExp(`^${email.replace(/\./g, '\\.')}$`));
}
const serverStatus = async (email) => (await api('POST', '/v1/users/lookup', { email })).body.userStatus;

describe('enable and disable', () => {
  it('asks before disabling, names the user, and Escape changes nothing', async () => {
    await openUser('jose.muller@example.com');
    assert.equal(await page.locator('[data-test=status]').textContent(), 'Enabled');
    await page.locator('[data-test=status-toggle]').click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    const text = await dialog.textContent();
    assert.match(text, /Disable José Müller \(jose\.muller@example\.com\)\?/);
    assert.match(text, /cannot access protected resources/);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    assert.equal(await serverStatus('jose.muller@example.com'), 'Enabled');
  });

  it('disables on confirmation, shows what the server answered, and undoes with one click', async () => {
    await page.locator('[data-test=status-toggle]').click();
    await page.getByRole('dialog').getByRole('button', { name: 'Disable' }).click();
    await textMatching(page.locator('[data-test=status]'), /^Disabled$/);
    await textMatching(page.locator('.note.ok'), /is now Disabled/);
    assert.equal(await serverStatus('jose.muller@example.com'), 'Disabled');
    await page.locator('[data-test=undo]').click();
    await textMatching(page.locator('[data-test=status]'), /^Enabled$/);
    assert.equal(await serverStatus('jose.muller@example.com'), 'Enabled');
    assertClean(problems);
  });

  it('enables an admin-disabled user without asking', async () => {
    await openUser('admin.disabled@example.com');
    await page.locator('[data-test=status-toggle]', { hasText: 'Enable user' }).click();
    await textMatching(page.locator('[data-test=status]'), /^Enabled$/);
    assert.equal(await serverStatus('admin.disabled@example.com'), 'Enabled');
  });

  it('explains a 409 for a user pending deletion', async () => {
    await openUser('pending.deletion@example.com');
    await page.locator('[data-test=status-toggle]', { hasText: 'Enable user' }).click();
    const text = await textMatching(page.getByRole('alert'), /pending deletion and cannot be enabled \(409\)/);
    assert.match(text, /cancel the deletion/);
    assert.equal(await serverStatus('pending.deletion@example.com'), 'Pending Deletion');
  });

  it('explains a 409 for a user disabled by synchronization', async () => {
    await openUser('synced.disabled@example.com');
    await page.locator('[data-test=status-toggle]', { hasText: 'Enable user' }).click();
    const text = await textMatching(page.getByRole('alert'), /disabled by a synchronization/);
    assert.match(text, /identity source/);
    assert.equal(await serverStatus('synced.disabled@example.com'), 'Disabled');
  });

  it('records every change, failures included, in the action log and its CSV', async () => {
    await page.getByRole('link', { name: /Action log/ }).click();
    const rows = page.locator('table.log tbody tr');
    await textMatching(rows, /./);
    const all = (await rows.allTextContents()).join('\n');
    assert.match(all, /Disable user.*jose\.muller@example\.com.*succeeded/);
    assert.match(all, /Enable user \(undo\).*jose\.muller@example\.com.*succeeded/);
    assert.match(all, /Enable user.*pending\.deletion@example\.com.*failed.*409/);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
    const path = await download.path();
    const csv = (await import('node:fs')).readFileSync(path, 'utf8');
    const lines = csv.trim().split('\r\n');
    assert.equal(lines[0], 'time,action,target,outcome,details');
    assert.equal(lines.length, 1 + (await rows.count()));
    assert.match(csv, /Disable user,jose\.muller@example\.com,succeeded/);
    assert.doesNotMatch(csv, /eyJ|PRIVATE KEY|Bearer/, 'no credential in the CSV');
  });
});
