// "Why can't this user sign in?": for each prepared user of the sandbox, the diagnosis names
// the right cause first, with its one-click fix; the fixes work against the real sandbox.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, open, assertClean, connectKeyFile, textMatching, api, sandbox } from './helpers.mjs';
import { openUser, panel, causes, confirm } from './helpdesk-common.mjs';

let browser, page, context, problems;
before(async () => {
  browser = await launch();
  ({ page, context, problems } = await open(browser));
  await connectKeyFile(page, 'superadmin.key');
});
after(async () => {
  // What the fixes changed, put back for the other tests.
  await sandbox('/_sandbox/lock', { email: 'sms.locked@example.com', methods: ['SMS'] });
  await browser?.close();
});

const first = () => panel(page, 'diagnosis').locator('li.finding').first();
const lookup = async (email) => (await api('POST', '/v1/users/lookup', { email })).body;

describe('the diagnosis names what stands in the way', () => {
  // [user, first cause, its title, its one-click fix (null: none)]
  const prepared = [
    ['admin.disabled@example.com', 'disabled', /^Disabled$/, 'Enable user'],
    ['pending.deletion@example.com', 'pending-deletion', /^Marked for deletion$/, 'Take back the deletion'],
    ['synced.disabled@example.com', 'disabled-by-sync', /^Disabled by a synchronization with the directory$/, 'Synchronize now'],
    ['sms.locked@example.com', 'locked-sms', /^SMS Tokencode locked$/, 'Unlock SMS Tokencode'],
    ['high.risk@example.com', 'high-risk', /^On the high-risk list$/, null],
    ['no.authenticator@example.com', 'no-authenticator', /^No authenticator to sign in with$/, 'Issue an emergency access code'],
    ['token.locked@example.com', 'locked-token', /^Authenticate OTP locked$/, 'Unlock Authenticate OTP'],
  ];
  for (const [email, cause, title, fix] of prepared) {
    it(`${email}: ${cause} first`, async () => {
      await openUser(page, email);
      const all = await causes(page);
      assert.equal(all[0], cause, `causes named: ${all.join(', ')}`);
      assert.match(await first().locator('h3').textContent(), title);
      if (fix) assert.equal(await first().locator('[data-test=fix]').textContent(), fix);
      else assert.equal(await first().locator('[data-test=fix]').count(), 0, 'no one-click fix');
    });
  }

  it('says why, with what it saw', async () => {
    await openUser(page, 'synced.disabled@example.com');
    assert.match(await first().textContent(), /found them disabled in the directory and disabled them \(event 401, \d+ days ago\)/);
    await openUser(page, 'pending.deletion@example.com');
    assert.match(await first().textContent(), /CAS deletes them in \d+ days?\./);
    assert.match(await first().locator('.likelihood').textContent(), /Blocks every sign-in/);
    await openUser(page, 'sms.locked@example.com');
    assert.match(await first().textContent(), /refused as locked \(\d+ times, the last \d+ (hours?|minutes?) ago\)/);
    assert.match(await first().locator('.likelihood').textContent(), /Matches the latest failures/);
    await openUser(page, 'no.authenticator@example.com');
    assert.match(await first().textContent(), /for want of a registered authenticator \(\d+ times/);
    await openUser(page, 'token.locked@example.com');
    assert.match(await panel(page, 'diagnosis').locator('.notes').textContent(), /An emergency access code is active, expiring in \d+ days?/);
  });

  it('lists several causes at once, most likely first', async () => {
    await openUser(page, 'locked.user@example.com');
    const all = await causes(page);
    for (const c of ['locked-token', 'locked-sms', 'locked-voice', 'locked-fingerprint', 'locked-approve']) assert.ok(all.includes(c), `${c} in ${all}`);
    assert.match(await panel(page, 'diagnosis').locator('.notes').textContent(), /emergency access code is locked/);
  });

  it('finds nothing in the way of an ordinary user', async () => {
    await openUser(page, 'j.doe@example.com');
    await panel(page, 'diagnosis').locator('[data-test=no-finding]').waitFor();
    assert.match(await panel(page, 'diagnosis').locator('.notes').textContent(), /Last successful sign-in/);
  });

  it('synchronizes with one click where the directory has enabled the user again', async () => {
    await openUser(page, 'directory.reenabled@example.com');
    assert.equal((await causes(page))[0], 'disabled-by-sync');
    await first().locator('[data-test=fix]').click();
    await confirm(page, 'Synchronize', 'INC-500');
    await textMatching(page.locator('[data-test=status]'), /^Enabled$/);
    await textMatching(panel(page, 'diagnosis').locator('.note.ok'), /status is now Enabled/);
    await panel(page, 'diagnosis').locator('[data-test=no-finding]').waitFor();
    assert.equal((await lookup('directory.reenabled@example.com')).userStatus, 'Enabled');
  });

  it('unlocks with one click, and the cause goes', async () => {
    await openUser(page, 'sms.locked@example.com');
    await first().locator('[data-test=fix]').click();
    await confirm(page, 'Unlock');
    await textMatching(panel(page, 'diagnosis').locator('.note.ok'), /SMS Tokencode unlocked/);
    await panel(page, 'diagnosis').locator('[data-test=no-finding]').waitFor();
    assert.match(await panel(page, 'diagnosis').locator('.notes').textContent(), /no method is locked now/);
    assert.equal((await lookup('sms.locked@example.com')).isSmsLocked, false);
    assertClean(problems);
  });
});
