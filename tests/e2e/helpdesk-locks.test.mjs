// Locks: a badge per locked method, unlock of the chosen ones with the server's answer for each,
// the log, and "Copy summary" for the ticket.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, assertClean, textMatching, api, sandbox } from './helpers.mjs';
import { openFresh, panel, confirm, actionLog } from './helpdesk-common.mjs';

const EMAIL = 'locked.user@example.com';
let browser, page, context, problems;
before(async () => {
  browser = await launch();
  ({ page, context, problems } = await openFresh(browser, EMAIL));
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
});
after(async () => {
  await sandbox('/_sandbox/lock', { email: EMAIL, methods: ['TOKEN', 'SMS'] });
  await browser?.close();
});

const locks = () => panel(page, 'locks');
const lookup = async () => (await api('POST', '/v1/users/lookup', { email: EMAIL })).body;

describe('locks', () => {
  it('shows a badge per locked method, the unlockable ones ticked', async () => {
    const badges = await locks().locator('[data-test=lock-badge]').allTextContents();
    assert.deepEqual(badges, ['Authenticate OTP locked', 'SMS Tokencode locked', 'Voice Tokencode locked', 'Device Biometrics locked', 'Approve locked']);
    for (const m of ['TOKEN', 'SMS', 'VOICE']) assert.equal(await locks().locator(`input[data-method=${m}]`).isChecked(), true, m);
    assert.match(await locks().textContent(), /cannot unlock Device Biometrics or Approve/);
  });

  it('unlocks the chosen methods and shows the server\'s answer for each', async () => {
    await locks().locator('input[data-method=VOICE]').uncheck();
    await locks().locator('[data-test=unlock]').click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    assert.match(await dialog.textContent(), /Unlock Authenticate OTP, SMS Tokencode for Locked User \(locked\.user@example\.com\)\?/);
    await confirm(page, 'Unlock', 'INC-77');
    await textMatching(locks().locator('.note.ok'), /Authenticate OTP, SMS Tokencode unlocked/);
    const answer = await locks().locator('[data-test=unlock-answer] li').allTextContents();
    assert.deepEqual(answer, ['Authenticate OTP: not locked', 'SMS Tokencode: not locked', 'Voice Tokencode: locked']);
    const server = await lookup();
    assert.deepEqual([server.isTokenLocked, server.isSmsLocked, server.isVoiceLocked, server.isFingerprintLocked], [false, false, true, true]);
    assert.deepEqual(await locks().locator('[data-test=lock-badge]').allTextContents(), ['Voice Tokencode locked', 'Device Biometrics locked', 'Approve locked']);
    // The details show the new state too.
    const field = (label) => page.locator('.groups dt', { hasText: new RegExp(`^${label}$`) }).locator('xpath=following-sibling::dd[1]').first();
    assert.equal(await field('SMS locked').textContent(), 'No');
  });

  it('logs the unlock with its reason, and copies a ticket summary', async () => {
    const { text, csv } = await actionLog(page, EMAIL);
    assert.match(text, /Unlock Authenticate OTP, SMS Tokencode.*locked\.user@example\.com.*succeeded.*TOKEN unlocked, SMS unlocked, VOICE locked; reason: INC-77/);
    assert.equal(csv.split('\r\n')[0], 'time,action,target,outcome,details');
    await page.locator('[data-test=copy-summary]').click();
    const summary = await page.evaluate(() => navigator.clipboard.readText());
    const lines = summary.split('\n');
    assert.equal(lines[0], 'CAS user: Locked User (locked.user@example.com)');
    assert.equal(lines[1], `${process.env.CONSOLE_URL}/users/locked.user@example.com`);
    assert.match(summary, /What stood in the way \(as the console read it\):\n- Voice Tokencode locked\n/);
    assert.match(summary, /Done:\n- \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z Unlock Authenticate OTP, SMS Tokencode: succeeded \(200, .*; reason: INC-77\)\n/);
    assertClean(problems);
  });
});
