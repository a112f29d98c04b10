// Progress (issue 13): every wait over a moment says what the console is waiting for, with
// the sandbox answering slowly (its latency fault): connecting and finding the key's role,
// loading and reloading the list, searching, looking a user up, saving a change.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, open, assertClean, connectKeyFile, credentialFile, api, sandbox, search, textMatching } from './helpers.mjs';

let browser;
const faults = (f) => sandbox('/_sandbox/faults', f);
before(async () => {
  browser = await launch();
  await faults({ rateLimit: null, failRate: 0, latencyMs: 1200 });
});
after(async () => {
  await faults({ latencyMs: 0 });
  await browser?.close();
});

// The text of a progress line while it is up, then its going away.
async function shownWhileWaiting(locator, pattern, what) {
  const text = await textMatching(locator, pattern, 10000);
  assert.ok(await locator.first().isVisible(), `${what}: the line is on screen`);
  const spinner = await locator.first().evaluate((el) => getComputedStyle(el, '::before').content);
  assert.notEqual(spinner, 'none', `${what}: with a spinner`);
  return text;
}

describe('progress while waiting', () => {
  it('connecting with a key file: each step, the role found, then the console', async () => {
    for (const [key, steps] of [
      ['superadmin.key', [/finding its role/]],
      ['helpdesk.key', [/finding its role/, /may search users/]],
    ]) {
      const { page, problems, context } = await open(browser);
      await page.locator('#key-file').setInputFiles(credentialFile(key));
      const line = page.locator('[data-test=connect-progress]');
      for (const step of steps) await shownWhileWaiting(line, step, `${key}: ${step}`);
      await page.locator('[data-test=rights]').waitFor();
      assert.match(await page.locator('[data-test=rights]').textContent(), key === 'superadmin.key' ? /Super Admin/ : /Help Desk/);
      assertClean(problems);
      await context.close();
    }
  });

  it('searching: the line stays until the answer is in', async () => {
    const { page, problems, context } = await open(browser);
    await connectKeyFile(page, 'helpdesk.key');
    await search(page, 'doe');
    await shownWhileWaiting(page.locator('.search .busy'), /^Searching…$/, 'search');
    await textMatching(page.locator('#results .email'), /doe/);
    assert.equal(await page.locator('.search .busy').textContent(), '', 'gone once the answer is in');
    assertClean(problems);
    await context.close();
  });

  it('loading and reloading the list, looking a user up and saving a change', async () => {
    assert.equal((await api('POST', '/v1/users/lookup', { email: 'high.risk@example.com' })).body.userStatus, 'Enabled');
    const { page, problems, context } = await open(browser, '/high-risk');
    await page.locator('#key-file').setInputFiles(credentialFile('superadmin.key'));
    await page.locator('[data-test=rights]').waitFor();
    await shownWhileWaiting(page.locator('[data-test=hr-loading]'), /^Loading the high-risk list…$/, 'list');
    await textMatching(page.locator('[data-test=hr-count]'), /on the high-risk list$/);
    await page.getByRole('button', { name: 'Reload' }).click();
    await shownWhileWaiting(page.locator('[data-test=hr-reloading]'), /^Reloading the list…$/, 'reload');
    assert.equal(await page.getByRole('button', { name: 'Reload' }).isDisabled(), true, 'one reload at a time');
    assert.equal(await page.locator('[data-test=hr-count]').isVisible(), true, 'the list stays while it reloads');
    await textMatching(page.locator('[data-test=hr-reloading]'), /^$/);

    await page.locator('.vlist a', { hasText: 'high.risk@example.com' }).click();
    await shownWhileWaiting(page.locator('.user .busy').first(), /^Looking up high\.risk@example\.com…$/, 'lookup');
    await page.locator('[data-test=status-toggle]').click();
    await page.getByRole('dialog').getByRole('button', { name: 'Disable' }).click();
    await shownWhileWaiting(page.locator('.actions .busy'), /^Disabling…$/, 'saving');
    await textMatching(page.locator('[data-test=status]'), /^Disabled$/);
    await page.locator('[data-test=undo]').click();
    await shownWhileWaiting(page.locator('.actions .busy'), /^Enabling…$/, 'undo');
    await textMatching(page.locator('[data-test=status]'), /^Enabled$/);
    assert.equal((await api('POST', '/v1/users/lookup', { email: 'high.risk@example.com' })).body.userStatus, 'Enabled');
    assertClean(problems);
    await context.close();
  });
});
