// A 403 for an expired credential in the middle of a session: key files and OAuth clients
// renew by themselves; a pasted token asks for a fresh one; the page is never lost.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, open, assertClean, connectKeyFile, connectOAuth, connectToken, legacyJwt, sandbox, search, textMatching } from './helpers.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const expireAll = async () => {
  await sandbox('/_sandbox/expire-tokens', {});
  // New tokens carry a later iat than every token the sandbox just expired.
  await new Promise((r) => setTimeout(r, 1100));
};

describe('credential expiry mid-session', () => {
  it('renews a key file token without the operator noticing', async () => {
    const { page, problems, context } = await open(browser);
    await connectKeyFile(page, 'helpdesk.key');
    await search(page, 'j.doe');
    await textMatching(page.locator('#results .email'), /j\.doe/);
    await expireAll();
    await search(page, 'yamada@');
    await textMatching(page.locator('#results .email'), /^taro\.yamada@example\.com$/);
    assert.equal(await page.getByRole('alert').count(), 0);
    assertClean(problems);
    await context.close();
  });

  it('renews an OAuth token the same way', async () => {
    const { page, context } = await open(browser);
    await connectOAuth(page, 'oauth-client.json');
    await page.locator('#search-box').waitFor();
    await search(page, 'j.doe');
    await textMatching(page.locator('#results .email'), /j\.doe/);
    await expireAll();
    await search(page, 'yamada@');
    await textMatching(page.locator('#results .email'), /^taro\.yamada@example\.com$/);
    assert.equal(await page.getByRole('alert').count(), 0);
    await context.close();
  });

  it('asks for a fresh pasted token and keeps the page as it was', async () => {
    const { page, context } = await open(browser);
    await connectToken(page, legacyJwt('helpdesk.key'));
    await search(page, 'j.doe');
    await textMatching(page.locator('#results .email'), /j\.doe/);
    await expireAll();
    await search(page, 'yamada@');
    await textMatching(page.locator('form.expired'), /Your token has expired \(403\)\. The page stays as it is\./);
    assert.equal(await page.locator('#search-box').inputValue(), 'yamada@', 'what the operator typed is still there');
    await page.locator('form.expired input').fill(legacyJwt('helpdesk.key'));
    await page.getByRole('button', { name: 'Use this token' }).click();
    await page.locator('form.expired').waitFor({ state: 'detached' });
    await search(page, 'yamada@example');
    await textMatching(page.locator('#results .email'), /^taro\.yamada@example\.com$/);
    await context.close();
  });
});
