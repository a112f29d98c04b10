// Synchronize now (the last sync before and after), mark for deletion and take it back with the
// days left, and every refusal in words: both 409s of markDeleted, and the 405 of SCIM sources.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, open, assertClean, connectKeyFile, textMatching, api } from './helpers.mjs';
import { openUser, panel, confirm, actionLog } from './helpdesk-common.mjs';

let browser, page, context, problems;
before(async () => {
  browser = await launch();
  ({ page, context, problems } = await open(browser));
  await connectKeyFile(page, 'helpdesk.key');
});
after(async () => { await browser?.close(); });

const lookup = async (email) => (await api('POST', '/v1/users/lookup', { email })).body;
const mark = async (email, markDeleted) => api('PUT', `/v1/users/${(await lookup(email)).id}/markDeleted`, { markDeleted });
const deletion = () => panel(page, 'deletion');

describe('synchronize now', () => {
  it('synchronizes, shows the last sync before and after, and the status the directory gave', async () => {
    const email = 'directory.disabled@example.com';
    await openUser(page, email);
    const before = await lookup(email);
    await panel(page, 'sync').locator('[data-test=sync]').click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    assert.match(await dialog.textContent(), /If the directory has them disabled, or no longer has them, CAS disables them too\./);
    await confirm(page, 'Synchronize', 'INC-31');
    await textMatching(panel(page, 'sync').locator('.note.ok'), /status is now Disabled/);
    const after = await lookup(email);
    assert.equal(after.userStatus, 'Disabled');
    const answer = panel(page, 'sync').locator('[data-test=sync-answer]');
    const times = await answer.locator('time').evaluateAll((ts) => ts.map((t) => t.getAttribute('title')));
    assert.deepEqual(times, [before.lastSyncTime, after.lastSyncTime]);
    assert.match(await answer.textContent(), /Status beforeEnabled.*Status nowDisabled/s);
    await textMatching(page.locator('[data-test=status]'), /^Disabled$/);
    // The sync wrote an event (401): the history is read again.
    await textMatching(panel(page, 'history').locator('tbody tr').first(), /401 · User disabled in directory server/);
  });
});

describe('mark for deletion and take it back', () => {
  const email = 'mark.candidate@example.com';

  it('says an enabled user must be disabled first', async () => {
    await openUser(page, 'j.doe@example.com');
    assert.match(await deletion().locator('[data-test=deletion-state]').textContent(), /Only a disabled user can be marked: disable them first\./);
    assert.equal(await deletion().locator('[data-test=mark-deleted]').count(), 0);
  });

  it('marks a disabled user, with the seven days counted, and takes it back', async () => {
    await openUser(page, email);
    await deletion().locator('[data-test=mark-deleted]').click();
    await confirm(page, 'Mark for deletion', 'INC-88 leaver');
    await textMatching(deletion().locator('.note.ok'), /is marked for deletion: CAS deletes them in seven days/);
    await textMatching(deletion().locator('[data-test=deletion-state]'), /7 days left of the seven: CAS deletes them on \d{1,2} \w{3} \d{4}, \d\d:\d\d\./);
    await textMatching(page.locator('[data-test=status]'), /^Pending Deletion$/);
    assert.equal((await lookup(email)).markDeleted, true);
    await deletion().locator('[data-test=unmark-deleted]').click();
    await confirm(page, 'Take back');
    await textMatching(deletion().locator('.note.ok'), /is taken back: they stay in CAS, disabled/);
    await textMatching(page.locator('[data-test=status]'), /^Disabled$/);
    assert.equal((await lookup(email)).markDeleted, false);
  });

  it('explains the 409 of marking a user someone else marked meanwhile', async () => {
    await openUser(page, email);
    assert.equal((await mark(email, true)).status, 200);
    await deletion().locator('[data-test=mark-deleted]').click();
    await confirm(page, 'Mark for deletion');
    const text = await textMatching(deletion().getByRole('alert'), /already marked for deletion \(409\)/);
    assert.match(text, /Someone else may have marked them meanwhile/);
    // The page reads the user again and offers what fits now.
    await deletion().locator('[data-test=unmark-deleted]').waitFor();
  });

  it('explains the 409 of taking back a deletion someone else took back', async () => {
    assert.equal((await mark(email, false)).status, 200);
    await deletion().locator('[data-test=unmark-deleted]').click();
    await confirm(page, 'Take back');
    const text = await textMatching(deletion().getByRole('alert'), /not pending deletion, so there is no deletion to take back \(409\)/);
    assert.match(text, /taken it back already/);
    await deletion().locator('[data-test=mark-deleted]').waitFor();
    assert.equal((await lookup(email)).markDeleted, false);
  });

  it('explains the 405 of a SCIM-managed user', async () => {
    await openUser(page, 'scim.user@example.com');
    await deletion().locator('[data-test=mark-deleted]').click();
    await confirm(page, 'Mark for deletion');
    const text = await textMatching(deletion().getByRole('alert'), /SCIM-managed identity source .* cannot be marked for deletion here \(405\)/);
    assert.match(text, /deprovision the user in the identity source/);
    assert.equal((await lookup('scim.user@example.com')).markDeleted, false);
  });

  it('logs every attempt, refusals with their status', async () => {
    const { text, csv } = await actionLog(page);
    assert.match(text, /Mark for deletion.*mark\.candidate@example\.com.*succeeded.*reason: INC-88 leaver/);
    assert.match(text, /Take back deletion.*mark\.candidate@example\.com.*succeeded/);
    assert.match(text, /Mark for deletion.*mark\.candidate@example\.com.*failed.*409/);
    assert.match(text, /Take back deletion.*mark\.candidate@example\.com.*failed.*409/);
    assert.match(text, /Mark for deletion.*scim\.user@example\.com.*failed.*405/);
    assert.match(text, /Synchronize user.*directory\.disabled@example\.com.*succeeded.*reason: INC-31/);
    assert.equal(csv.split('\r\n')[0], 'time,action,target,outcome,details');
    assertClean(problems);
  });
});
