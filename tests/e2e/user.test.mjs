// The user page: everything the lookup says, fields missing, and markup shown as text.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, open, assertClean, connectKeyFile, textMatching, api } from './helpers.mjs';

let browser, page, context, problems;
before(async () => {
  browser = await launch();
  ({ page, context, problems } = await open(browser));
  await connectKeyFile(page, 'superadmin.key');
});
after(async () => { await browser?.close(); });

const go = async (email) => {
  await page.goto(`${process.env.CONSOLE_URL}/users/${encodeURIComponent(email)}`);
  // A full page load drops the in-memory credential: the console asks again.
  await connectKeyFile(page, 'superadmin.key');
  await page.locator('[data-test=email]').waitFor();
};
const field = (label) => page.locator('.groups dt', { hasText: new RegExp(`^${label}$`) }).locator('xpath=following-sibling::dd[1]').first();
// Dates are in words in the groups; the server's exact value is in the raw view.
const exact = (label) => page.locator('[data-test=exact-dates] dt', { hasText: new RegExp(`^${label}$`) }).locator('xpath=following-sibling::dd[1]').first();

describe('user details', () => {
  it('shows every group for a fully populated user, with unknown fields kept', async () => {
    await go('full.user@example.com');
    const { body: server } = await api('POST', '/v1/users/lookup', { email: 'full.user@example.com' });
    assert.equal(await page.locator('[data-test=email]').textContent(), server.emailAddress);
    assert.equal(await page.locator('[data-test=user-id]').textContent(), server.id);
    assert.equal(await field('Identity source').textContent(), server.identitySource);
    assert.equal(await field('SMS number').textContent(), server.smsNumber);
    assert.equal(await exact('Created').textContent(), server.creationDate);
    for (const group of ['Identity', 'Status', 'Authentication methods', 'Emergency access']) {
      await page.getByRole('heading', { name: group, exact: true }).waitFor();
    }
    const known = new Set(['id', 'emailAddress', 'firstName', 'lastName', 'creationDate', 'identitySource', 'userStatus', 'markDeleted',
      'highRiskUser', 'markDeletedAt', 'markDeletedBy', 'smsNumber', 'voiceNumber', 'isTokenLocked', 'isSmsLocked', 'isVoiceLocked',
      'isFingerprintLocked', 'isApproveLocked', 'lastSyncTime', 'emergencyAccessStatus', 'emergencyTokencodeId',
      'emergencyTokencodeExpiration', 'emergencyTokencodeLastUse', 'offlineEmergencyAccessStatus', 'offlineEmergencyTokencodeExpiration',
      'monthLastAuthenticated', 'principalUsername', 'alternateUsername', 'primaryUniqueIdentifier']);
    const unknown = Object.keys(server).filter((k) => !known.has(k));
    assert.ok(unknown.length > 0, 'the sandbox gives this user fields the docs do not list');
    const extra = await page.locator('[data-test=extra]').textContent();
    for (const k of unknown) assert.ok(extra.includes(k), `unknown field ${k} is shown`);
    assertClean(problems);
  });

  it('copies the email and the user ID', async () => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await page.getByRole('button', { name: 'Copy user ID' }).click();
    const id = await page.locator('[data-test=user-id]').textContent();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), id);
  });

  it('survives a user with most fields missing', async () => {
    await go('sparse.user@example.com');
    assert.equal(await exact('Created').textContent(), '—');
    assert.equal(await field('Identity source').textContent(), 'Corp AD');
    assert.equal(await field('Token locked').textContent(), '—');
    assertClean(problems);
  });

  it('shows markup from the server as text and runs none of it', async () => {
    await go('markup.user@example.com');
    const title = await page.locator('#user-title').textContent();
    assert.equal(title, '<img src=x onerror=alert(1)> <script>alert(2)</script>');
    assert.equal(await page.locator('main img').count(), 0, 'no <img> element was created');
    assert.equal(await page.locator('main script').count(), 0);
    await page.waitForTimeout(500);
    assertClean(problems);
  });

  it('says when a user does not exist, with a next step', async () => {
    await page.goto(`${process.env.CONSOLE_URL}/users/${encodeURIComponent('nobody.here@example.com')}`);
    await connectKeyFile(page, 'superadmin.key');
    const text = await textMatching(page.getByRole('alert'), /Not found \(404\)/);
    assert.match(text, /Check the email address/);
  });

  it('finds a user not yet synchronized by searching the identity source', async () => {
    await page.goto(`${process.env.CONSOLE_URL}/users/${encodeURIComponent('unsynched.user@example.com')}`);
    await connectKeyFile(page, 'superadmin.key');
    await textMatching(page.getByRole('alert'), /Not found \(404\)/);
    await page.locator('[data-test=search-unsynched]').click();
    await textMatching(page.locator('[data-test=email]'), /^unsynched\.user@example\.com$/);
  });
});
