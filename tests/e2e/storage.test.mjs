// After whole sessions with each kind of credential, nothing of the credential is left in
// any browser storage, cookie or URL.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, open, connectKeyFile, connectOAuth, connectToken, legacyJwt, readCredential, search, textMatching } from './helpers.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function everythingStored(page, context) {
  const inPage = await page.evaluate(async () => {
    const dump = (s) => JSON.stringify(Object.fromEntries(Object.entries(s)));
    const dbs = indexedDB.databases ? await indexedDB.databases() : [];
    return { local: dump(localStorage), session: dump(sessionStorage), dbs: JSON.stringify(dbs), cookie: document.cookie,
      url: location.href, history: history.length, caches: JSON.stringify(await caches.keys()) };
  });
  const cookies = JSON.stringify(await context.cookies());
  return { ...inPage, cookies };
}

describe('no credential outlives memory', () => {
  it('after a key file, OAuth and token session, storage, cookies and URLs hold nothing', async () => {
    const { page, context } = await open(browser);
    const key = JSON.parse(readCredential('superadmin.key'));
    const oauth = JSON.parse(readCredential('oauth-client.json'));
    const token = legacyJwt('helpdesk.key');
    const secrets = [key.accessKey.split('\n')[1], key.accessID, oauth.jwk.d.slice(0, 20), token.slice(0, 40), 'eyJ'];
    const seenUrls = [];
    page.on('framenavigated', (f) => seenUrls.push(f.url()));

    await connectKeyFile(page, 'superadmin.key');
    await search(page, 'j.doe');
    await page.locator('#results a').first().click();
    await page.locator('[data-test=email]').waitFor();
    await page.getByRole('button', { name: 'Disconnect' }).click();
    await connectOAuth(page, 'oauth-client.json');
    await page.locator('[data-test=email]').waitFor();
    await page.getByRole('button', { name: 'Disconnect' }).click();
    await connectToken(page, token);
    await page.locator('[data-test=email]').waitFor();

    const stored = await everythingStored(page, context);
    assert.equal(stored.local, '{}');
    assert.equal(stored.session, '{}');
    assert.equal(stored.dbs, '[]');
    assert.equal(stored.cookie, '');
    assert.equal(stored.cookies, '[]');
    const everything = JSON.stringify(stored) + seenUrls.join(' ');
    for (const s of secrets) assert.ok(!everything.includes(s), `credential fragment ${s.slice(0, 8)}… found`);
    await textMatching(page.locator('[data-test=kind]'), /Pasted token/);
    await context.close();
  });
});
