// Trying to break it on purpose (issue 10): Disconnect stops everything, a token field no
// browser offers to save, a key whose role cannot be read, files far too large, faults at
// several rates, and the sandbox killed and restarted in the middle of a bulk job. Every
// operation ends in a state shown to the operator; what the server holds is checked after.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  launch, open, assertClean, connectKeyFile, connectOAuth, connectToken, legacyJwt, api, sandbox, search, textMatching,
  STATE_DIR, SANDBOX_URL, paste,
} from './helpers.mjs';

let browser;
before(async () => { browser = await launch(); await noFaults(); });
after(async () => { await noFaults(); await browser?.close(); });

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const faults = (f) => sandbox('/_sandbox/faults', f);
const noFaults = () => faults({ rateLimit: null, latencyMs: 0, latencyJitterMs: 0, failRate: 0, throttleRate: 0, retryAfterSecs: 1 });
const requestLog = async () => JSON.parse(await sandbox('/_sandbox/requests/log'));
// Requests the sandbox received after `t` (ms since the epoch): an answer's time less its
// duration is when the request arrived.
const arrivedAfter = async (t) => (await requestLog()).entries.filter((e) => Date.parse(e.time) - e.durationMs > t + 20);
const lc = (s) => s.toLowerCase();
const serverList = async () => new Set((await api('GET', '/v2/users/highrisk')).body.users.map((u) => lc(u.email)));

async function disconnect(page) {
  await page.getByRole('button', { name: 'Disconnect' }).click();
  await page.getByRole('heading', { name: 'Connect to your tenant' }).waitFor();
  return Date.now();
}

describe('Disconnect stops everything', () => {
  it('while a rate limit is being waited out: the retry is never sent', async () => {
    const { page, problems, context } = await open(browser);
    await connectKeyFile(page, 'helpdesk.key');
    await faults({ throttleRate: 1, retryAfterSecs: 3 });
    try {
      await search(page, 'j.doe');
      await textMatching(page.locator('.activity'), /rate-limiting requests \(429\); trying again in 3 s/);
      const t = await disconnect(page);
      await sleep(4500);
      assert.deepEqual(await arrivedAfter(t), [], 'nothing reached the server after Disconnect');
      assert.equal(await page.locator('.activity').textContent(), '', 'no wait is shown any more');
    } finally {
      await noFaults();
    }
    assertClean(problems);
    await context.close();
  });

  it('while a token is being renewed: neither the token request nor the call behind it goes out', async () => {
    const { page, problems, context } = await open(browser);
    await connectOAuth(page, 'oauth-client.json');
    await page.locator('#search-box').waitFor();
    // The route stands for a slow network to the token endpoint, not for our code.
    let release;
    const held = new Promise((r) => { release = r; });
    let renewing;
    const started = new Promise((r) => { renewing = r; });
    await page.route('**/oauth/token', async (route) => {
      renewing();
      await held;
      await route.continue().catch(() => {});
    });
    await sandbox('/_sandbox/expire-tokens', {});
    await sleep(1100);
    await search(page, 'j.doe');
    await started;
    const t = await disconnect(page);
    release();
    await sleep(1500);
    assert.deepEqual(await arrivedAfter(t), [], 'nothing reached the server after Disconnect');
    assertClean(problems);
    await context.close();
  });

  it('a running bulk job: nothing more is sent, and under a new credential it waits to be resumed', async () => {
    const { page, problems, context } = await open(browser, '/high-risk/bulk');
    await connectKeyFile(page, 'superadmin.key');
    const initial = await serverList();
    const input = Array.from({ length: 1000 }, (_, i) => `nobody.disconnect.${i}@nowhere.example`);
    await faults({ latencyMs: 700 });
    try {
      await paste(page.locator('#bulk-input'), input.join('\n'));
      await page.locator('[data-test=bulk-start]').click();
      await page.locator('[data-test=bulk-confirm]').click();
      await textMatching(page.locator('[data-test=progress]'), /^[1-9]\d*00 of 1000 settled/, 20000);
      const t = await disconnect(page);
      await sleep(2500);
      assert.deepEqual(await arrivedAfter(t), [], 'nothing reached the server after Disconnect');
      await connectKeyFile(page, 'superadmin.key');
      await textMatching(page.locator('[data-test=job-state]'), /^Paused: not connected\./);
      assert.match(await page.locator('[data-test=job-state]').textContent(), /press Resume/);
      const reconnected = Date.now();
      await sleep(2500);
      assert.deepEqual((await arrivedAfter(reconnected)).filter((e) => e.method === 'PUT'), [], 'it did not go on by itself');
      await page.getByRole('button', { name: 'Resume' }).click();
      const summary = await textMatching(page.locator('[data-test=accounted]'), /accounted for/, 60000);
      assert.match(summary, /^All 1000 identifiers accounted for: 0 added, 1000 not found/);
    } finally {
      await noFaults();
    }
    assert.deepEqual([...(await serverList())].sort(), [...initial].sort());
    assertClean(problems);
    await context.close();
  });
});

describe('credentials and refusals', () => {
  it('asks for a fresh pasted token in a field browsers do not offer to save', async () => {
    const { page, context } = await open(browser);
    await connectToken(page, legacyJwt('helpdesk.key'));
    await page.locator('#search-box').waitFor();
    await sandbox('/_sandbox/expire-tokens', {});
    await sleep(1100);
    await search(page, 'yamada@');
    const field = page.locator('form.expired input');
    await field.waitFor();
    assert.notEqual(await field.getAttribute('type'), 'password', 'a password field would be offered to the password manager');
    assert.equal(await field.getAttribute('autocomplete'), 'off');
    await context.close();
  });

  for (const [status, body] of [[404, { code: '404 NOT_FOUND', description: 'No handler' }], [500, { code: '500 INTERNAL_SERVER_ERROR', description: 'An internal error occurred.' }]]) {
    it(`connects a key file whose tenant answers the high-risk list with ${status}, and says the role is not known`, async () => {
      const { page, problems, context } = await open(browser);
      // The route stands for a tenant without v2 or without the licence.
      await page.route('**/AdminInterface/restapi/v2/users/highrisk', (r) => r.fulfill({ status, contentType: 'application/json', body: JSON.stringify(body) }));
      await connectKeyFile(page, 'superadmin.key');
      assert.equal(await page.locator('[data-test=rights]').textContent(), 'role not known');
      await search(page, 'j.doe@example.com');
      await textMatching(page.locator('#results .email'), /j\.doe@example\.com/);
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'High-risk list' }).click();
      await textMatching(page.locator('[data-test=list-problem]'), new RegExp(`\\(${status}\\)`));
      assertClean(problems);
      await context.close();
    });
  }

  it('refuses a key file or a client file far larger than any credential, without reading it', async () => {
    const { page, context } = await open(browser);
    // 50 MB, as a file (the driver passes no buffer that large).
    const big = join(mkdtempSync(join(tmpdir(), 'cas-e2e-')), 'huge.key');
    writeFileSync(big, Buffer.alloc(50 * 1024 * 1024, 'x'));
    await page.getByRole('tab', { name: 'Key file' }).click();
    await page.locator('#key-file').setInputFiles(big);
    await textMatching(page.getByRole('alert'), /far larger than a credential file/);
    await page.getByRole('tab', { name: 'OAuth client' }).click();
    await page.locator('#oauth-file').setInputFiles(big);
    await textMatching(page.getByRole('alert'), /far larger than a credential file/);
    assert.equal(await page.locator('#jwk').inputValue(), '', 'nothing of it was read into the form');
    await context.close();
  });

  it('refuses a million-line paste and a 50 MB bulk file whole, says why, and sends nothing', async () => {
    const { page, context, problems } = await open(browser, '/high-risk/bulk');
    await connectKeyFile(page);
    await page.locator('#bulk-input').waitFor();
    const before = Date.now();
    // 1,000,000 lines, about 15 MB: refused by its size before the browser puts it in the box.
    const went = await paste(page.locator('#bulk-input'), Array.from({ length: 1_000_000 }, (_, i) => `u${i}@example.com`).join('\n'));
    assert.equal(went, false, 'the paste was refused');
    assert.equal(await page.locator('#bulk-input').inputValue(), '', 'nothing of it is in the box');
    await textMatching(page.locator('[data-test=input-refused]'), /more than the 8 MB a bulk job reads: nothing was read from it\..*Split the list/);
    assert.ok(await page.locator('[data-test=bulk-start]').isDisabled(), 'nothing to start');
    // 60,000 short lines fit in the size but not in one job.
    await paste(page.locator('#bulk-input'), Array.from({ length: 60_000 }, (_, i) => `u${i}`).join('\n'));
    await textMatching(page.locator('[data-test=input-refused]'), /more than 50,000 identifiers/);
    assert.ok(await page.locator('[data-test=bulk-start]').isDisabled(), 'nothing to start');
    // Under the caps the page reads the list as before.
    await paste(page.locator('#bulk-input'), 'j.doe@example.com\nnobody@example.com');
    await textMatching(page.locator('[data-test=preview]'), /^2 entries read: 2 to send/);
    assert.equal(await page.locator('[data-test=input-refused]').count(), 0);
    // A 50 MB CSV file: refused by its size alone.
    const big = join(mkdtempSync(join(tmpdir(), 'cas-e2e-')), 'export.csv');
    writeFileSync(big, Buffer.alloc(50 * 1024 * 1024, 'a'));
    await page.locator('#bulk-file').setInputFiles(big);
    await textMatching(page.locator('[data-test=file-refused]'), /This file is 50 MB, more than the 8 MB a bulk job reads: nothing was read from it/);
    const sent = (await arrivedAfter(before)).filter((e) => /highrisk/.test(e.path) && e.method !== 'GET');
    assert.deepEqual(sent, [], 'no high-risk change was sent');
    assertClean(problems);
    await context.close();
  });
});

describe('faults at several rates', () => {
  const rates = [
    { latencyMs: 50, latencyJitterMs: 150, throttleRate: 0.1, failRate: 0.05 },
    { latencyMs: 100, latencyJitterMs: 300, throttleRate: 0.3, failRate: 0.15 },
    { latencyMs: 0, latencyJitterMs: 400, throttleRate: 0.5, failRate: 0.3 },
  ];
  // The user page, loaded: a failed lookup says so in words and is tried again.
  async function userShown(page) {
    for (let i = 0; i < 20; i++) {
      await textMatching(page.locator('[data-test=email], [role=alert]'), /\S/, 30000);
      if (await page.locator('[data-test=email]').count()) return;
      await page.locator('[data-test=retry]').click();
      // "Try again" waits, visibly, for the new answer.
      await page.waitForFunction(() => document.querySelector('[data-test=email]') || !document.querySelector('[data-test=retry]')?.disabled, null, { timeout: 30000 });
    }
    assert.fail('the user never loaded');
  }
  const logged = async (page) => Number(/\((\d+)\)/.exec(await page.getByRole('link', { name: /Action log/ }).textContent())[1]);

  for (const rate of rates) {
    it(`every operation ends in a state shown, and the log says what the server holds (${JSON.stringify(rate)})`, async () => {
      const email = 'zoe.lukasiewicz@example.com';
      const { page, problems, context } = await open(browser, `/users/${email}`);
      await connectKeyFile(page, 'helpdesk.key');
      await page.locator('[data-test=email]').waitFor();
      await faults(rate);
      try {
        for (let round = 0; round < 4; round++) {
          // A change: it succeeds (the status shown is the server's answer) or fails in words,
          // and the log has one more entry either way.
          const before = await logged(page);
          const toggle = page.locator('[data-test=status-toggle]');
          const disabling = (await toggle.textContent()) === 'Disable user';
          await toggle.click();
          if (disabling) await page.getByRole('dialog').getByRole('button', { name: 'Disable' }).click();
          for (let i = 0; i < 300 && (await logged(page)) === before; i++) await sleep(100);
          assert.equal(await logged(page), before + 1, 'the change ended, in the log');
          await textMatching(page.locator('.note.ok, .note.error'), /\S/);
          assert.equal(await page.locator('.user .actions .busy').textContent(), '', 'nothing left waiting');
          // A search: results, or the failure in words.
          await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Search' }).click();
          await search(page, round % 2 ? 'lukasiewicz@' : 'lukasiewicz');
          await textMatching(page.locator('#results .email, [role=alert]'), /\S/, 30000);
          await page.goBack();
          await userShown(page);
        }
      } finally {
        await noFaults();
      }
      // What the log says was last done successfully is what the server holds.
      await page.getByRole('link', { name: /Action log/ }).click();
      const rows = await page.locator('table.log tbody tr').allTextContents();
      const last = rows.find((r) => r.includes(email) && /succeeded/.test(r));
      const { body: user } = await api('POST', '/v1/users/lookup', { email });
      if (last) assert.equal(user.userStatus, /Disable user/.test(last) ? 'Disabled' : 'Enabled', `${last} → ${user.userStatus}`);
      await api('PUT', `/v1/users/${user.id}/userStatus`, { userStatus: 'Enabled' });
      assertClean(problems);
      await context.close();
    });
  }
});

describe('the sandbox killed and restarted in the middle of a bulk job', () => {
  it('accounts for all 2,000 identifiers, and the server holds what the outcome table says', async () => {
    const { page, problems, context } = await open(browser, '/high-risk/bulk');
    await connectKeyFile(page, 'superadmin.key');
    const initial = await serverList();
    // One in ten a real user (added), the rest nobody (not found): twenty requests of 100.
    const users = [];
    for (let p = 0; users.length < 200; p++) {
      const { body } = await api('POST', `/v2/users/search?pageSize=25&pageNumber=${p}`, { emailLike: '@example.com' });
      users.push(...body.elements.filter((u) => /^[\x21-\x7e]+$/.test(u.emailAddress) && !initial.has(lc(u.emailAddress))).map((u) => lc(u.emailAddress)));
      if (p + 1 >= body.totalPages) break;
    }
    const real = users.slice(0, 200);
    const input = Array.from({ length: 2000 }, (_, i) => (i % 10 === 0 && real[i / 10] ? real[i / 10] : `nobody.restart.${i}@nowhere.example`));
    await faults({ latencyMs: 400 });
    await paste(page.locator('#bulk-input'), input.join('\n'));
    await page.locator('[data-test=bulk-start]').click();
    await page.locator('[data-test=bulk-confirm]').click();
    await textMatching(page.locator('[data-test=progress]'), /^([5-9]|1[0-4])00 of 2000 settled/, 60000);
    const pid = Number(readFileSync(join(STATE_DIR, 'sandbox.pid'), 'utf8'));
    process.kill(pid, 'SIGKILL');
    // xtask starts it again on the same port, with its state (its faults back to none).
    let back = false;
    for (let i = 0; i < 100 && !back; i++) {
      await sleep(200);
      back = await fetch(`${SANDBOX_URL}/_sandbox/health`).then((r) => r.ok).catch(() => false);
    }
    assert.ok(back, 'the sandbox is back');
    assert.notEqual(Number(readFileSync(join(STATE_DIR, 'sandbox.pid'), 'utf8')), pid, 'a new process');
    let summary = await textMatching(page.locator('[data-test=accounted]'), /accounted for/, 120000);
    const failed = Number(/(\d+) failed after retries/.exec(summary)?.[1] ?? 0);
    if (failed > 0) {
      await page.getByRole('button', { name: `Retry the ${failed} failed` }).click();
      summary = await textMatching(page.locator('[data-test=accounted]'), /0 failed after retries/, 60000);
    }
    const added = real.filter(Boolean).length;
    assert.match(summary, new RegExp(`^All 2000 identifiers accounted for: ${added} added, ${2000 - added} not found, 0 ambiguous, 0 refused by validation, 0 failed after retries`));
    const now = await serverList();
    assert.deepEqual([...now].sort(), [...new Set([...initial, ...real])].sort(), 'the server holds exactly what the table says');
    // Put the list back as it was.
    for (let i = 0; i < real.length; i += 100) await api('PUT', '/v1/users/highrisk', { action: 'remove', users: real.slice(i, i + 100) });
    await page.getByRole('link', { name: /Action log/ }).click();
    assert.match((await page.locator('table.log tbody tr').allTextContents()).join('\n'), /Add to high-risk list \(bulk\).*2000 identifiers/);
    assertClean(problems);
    await context.close();
  });
});
