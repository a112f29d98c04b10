// Editing a local user through the OAuth-only update API: a saved edit, a refused save with
// field messages, untouched fields kept, legacy keys told why, and the password kept out of
// the action log.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { launch, open, assertClean, connectKeyFile, connectOAuth, textMatching, api } from './helpers.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const EMAIL = 'local.user@example.com';
const lookup = async (email = EMAIL) => (await api('POST', '/v1/users/lookup', { email })).body;
const field = (page, key) => page.locator(`#f-${key}`);
const fieldError = (page, key) => page.locator(`[data-field=${key}] .field-error`);

async function openEditor(page) {
  await page.locator('[data-test=rights]').waitFor();
  await page.evaluate((p) => { history.pushState(null, '', p); dispatchEvent(new PopStateEvent('popstate')); }, `/users/${EMAIL}`);
  await page.locator('a.button', { hasText: 'Edit' }).click();
  await field(page, 'firstName').waitFor();
}

describe('edit a local user', () => {
  it('saves an edit, shows it reloaded from the server, and keeps untouched fields', async () => {
    const before = await lookup();
    const { page, problems, context } = await open(browser);
    await connectOAuth(page, 'oauth-client.json');
    await openEditor(page);
    assert.equal(await field(page, 'firstName').inputValue(), before.firstName);
    assert.equal(await field(page, 'groupMemberships').inputValue(), before.groupMemberships.join(', '));
    await field(page, 'firstName').fill('Lola');
    await page.getByRole('button', { name: 'Review changes' }).click();
    const review = await textMatching(page.locator('.review'), /First name/);
    assert.match(review, new RegExp(`First name: ${before.firstName} → Lola`));
    assert.doesNotMatch(review, /Group memberships/, 'only what changed is listed');
    await page.locator('[data-test=save]').click();
    await textMatching(page.locator('#user-title'), /^Lola User$/);
    await textMatching(page.locator('.note.ok'), /Saved/);
    const after = await lookup();
    assert.equal(after.firstName, 'Lola');
    assert.equal(after.lastName, before.lastName);
    assert.deepEqual(after.groupMemberships, before.groupMemberships, 'groups the operator did not touch survive');
    assert.deepEqual(after.smsPhoneNumbers, before.smsPhoneNumbers);
    assert.equal(after.principalUsername, before.principalUsername);
    assertClean(problems);
    await context.close();
  });

  it('checks fields before sending anything', async () => {
    const { page, context } = await open(browser);
    await connectOAuth(page, 'oauth-client.json');
    await openEditor(page);
    await field(page, 'firstName').fill('');
    await field(page, 'email').fill('not-an-email');
    await page.getByRole('button', { name: 'Review changes' }).click();
    await textMatching(fieldError(page, 'firstName'), /First name is required/);
    await textMatching(fieldError(page, 'email'), /not an email address/);
    assert.equal(await page.locator('.review').count(), 0, 'no summary, nothing sent');
    assert.equal((await lookup()).emailAddress, EMAIL);
    await context.close();
  });

  it('shows a refused save on the fields it concerns and keeps what was typed', async () => {
    const { page, context } = await open(browser);
    await connectOAuth(page, 'oauth-client.json');
    await openEditor(page);
    await field(page, 'userName').fill('local.other');
    await field(page, 'groupMemberships').fill('helpdesk, no-such-group');
    await page.getByRole('button', { name: 'Review changes' }).click();
    await page.locator('[data-test=save]').click();
    await textMatching(fieldError(page, 'userName'), /already has this username/);
    await textMatching(fieldError(page, 'groupMemberships'), /no-such-group/);
    await textMatching(page.getByRole('alert'), /did not save/);
    assert.equal(await field(page, 'userName').inputValue(), 'local.other', 'the form stays filled');
    assert.equal((await lookup()).principalUsername, 'local.user');
    await context.close();
  });

  it('never puts a typed password in the action log or its CSV', async () => {
    const secret = 'Sup3r-secret-pw!';
    const { page, context } = await open(browser);
    await connectOAuth(page, 'oauth-client.json');
    await openEditor(page);
    await page.locator('#f-passwordCreationOption').selectOption('ENTERED_BY_ADMIN');
    await field(page, 'password').fill(secret);
    await field(page, 'lastName').fill('Userson');
    await page.getByRole('button', { name: 'Review changes' }).click();
    const review = await textMatching(page.locator('.review'), /New password/);
    assert.ok(!review.includes(secret), 'the summary does not show the password');
    await page.locator('[data-test=save]').click();
    await textMatching(page.locator('#user-title'), /Userson/);
    await page.getByRole('link', { name: /Action log/ }).click();
    const rows = (await page.locator('table.log tbody tr').allTextContents()).join('\n');
    assert.match(rows, /Edit local user.*local\.user@example\.com.*succeeded/);
    assert.ok(!rows.includes(secret));
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
    const csv = readFileSync(await download.path(), 'utf8');
    assert.match(csv, /Edit local user/);
    assert.ok(!csv.includes(secret), 'no password in the CSV');
    await context.close();
  });

  it('tells a legacy key why it cannot edit, before any form', async () => {
    const { page, context } = await open(browser);
    await connectKeyFile(page, 'superadmin.key');
    await page.evaluate((p) => { history.pushState(null, '', p); dispatchEvent(new PopStateEvent('popstate')); }, `/users/${EMAIL}`);
    await textMatching(page.locator('[data-test=edit-denied]'), /OAuth API client with the `rsa\.group\.users\.manage` permission/);
    await page.evaluate((p) => { history.pushState(null, '', p); dispatchEvent(new PopStateEvent('popstate')); }, `/users/${EMAIL}/edit`);
    await textMatching(page.getByRole('alert'), /legacy keys/);
    assert.equal(await page.locator('#f-firstName').count(), 0);
    await context.close();
  });

  it('explains why a user of another identity source cannot be edited', async () => {
    const { page, context } = await open(browser);
    await connectOAuth(page, 'oauth-client.json');
    await page.evaluate(() => { history.pushState(null, '', '/users/full.user@example.com'); dispatchEvent(new PopStateEvent('popstate')); });
    await textMatching(page.locator('[data-test=edit-denied]'), /only Local Identity Source users can be edited/);
    await context.close();
  });
});
