// Secrets (issue 10): after a session with each kind of credential, in which changes were
// made and errors met, no key, token or password is anywhere the browser keeps or shows
// things: storage of every kind, cookies, the Cache API, the URL and history state, the
// action log and its CSV, the console's output, and every message on the page.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { launch, open, connectKeyFile, connectOAuth, connectToken, legacyJwt, readCredential, search, textMatching, browserKept } from './helpers.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

describe('no secret is kept or shown', () => {
  it('after key file, OAuth and pasted-token sessions with changes and errors', async () => {
    const { page, context } = await open(browser);
    const consoleOutput = [];
    page.on('console', (m) => consoleOutput.push(m.text()));
    const key = JSON.parse(readCredential('superadmin.key'));
    const oauth = JSON.parse(readCredential('oauth-client.json'));
    const token = legacyJwt('superadmin.key');
    const keyBody = key.accessKey.split('\n').filter((l) => l && !l.startsWith('-----'));
    const secrets = [...keyBody.slice(0, 3), oauth.jwk.d.slice(0, 24), oauth.jwk.p.slice(0, 24), token.slice(0, 40), token.split('.')[2].slice(0, 24)];
    const kept = [];
    const sweep = async (when) => {
      const everything = await browserKept(page, context, { pageText: true });
      kept.push([when, JSON.stringify(everything)]);
    };

    // A key file session: a change, an undo, a refused change, then Disconnect.
    await connectKeyFile(page, 'superadmin.key');
    await page.goto(`${process.env.CONSOLE_URL}/users/${encodeURIComponent('admin.disabled@example.com')}`);
    await connectKeyFile(page, 'superadmin.key');
    await page.locator('[data-test=status-toggle]', { hasText: 'Enable user' }).click();
    await page.locator('[data-test=undo]').click();
    await page.locator('[data-test=status-toggle]', { hasText: 'Enable user' }).waitFor();
    await page.goto(`${process.env.CONSOLE_URL}/users/${encodeURIComponent('pending.deletion@example.com')}`);
    await connectKeyFile(page, 'superadmin.key');
    await page.locator('[data-test=status-toggle]').click();
    await textMatching(page.getByRole('alert'), /409/);
    await sweep('key file session');
    await page.getByRole('link', { name: /Action log/ }).click();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
    const csv = readFileSync(await download.path(), 'utf8');
    await page.getByRole('button', { name: 'Disconnect' }).click();
    await sweep('after Disconnect');

    // An OAuth session (back on the log page, where it was left: the address is kept).
    await connectOAuth(page, 'oauth-client.json');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Search' }).click();
    await search(page, 'j.doe');
    await textMatching(page.locator('#results .email'), /j\.doe/);
    await sweep('OAuth session');
    await page.getByRole('button', { name: 'Disconnect' }).click();

    // A pasted token: one the server refuses (its words must not quote it), then a good one.
    const refused = `${token.slice(0, -8)}AAAAAAAA`;
    await connectToken(page, refused);
    const refusal = await textMatching(page.getByRole('alert'), /refused this token/);
    assert.ok(!refusal.includes(refused.slice(0, 40)), 'the message does not quote the token');
    await page.locator('#token').fill(token);
    await page.getByRole('button', { name: 'Connect' }).click();
    await page.locator('#search-box').waitFor();
    await search(page, 'yamada@');
    await textMatching(page.locator('#results .email'), /yamada/);
    await sweep('pasted-token session');
    await page.getByRole('button', { name: 'Disconnect' }).click();
    await sweep('after the last Disconnect');

    for (const [when, everything] of kept) {
      const parsed = JSON.parse(everything);
      assert.equal(parsed.local, '{}', when);
      assert.equal(parsed.session, '{}', when);
      assert.equal(parsed.dbs, '[]', when);
      assert.equal(parsed.cookie, '', when);
      assert.equal(parsed.cookies, '[]', when);
      assert.equal(parsed.cached, '[]', when);
      for (const s of secrets) assert.ok(!everything.includes(s), `${when}: a credential fragment (${s.slice(0, 6)}…) was found`);
    }
    for (const s of secrets) {
      assert.ok(!csv.includes(s), 'nothing of a credential in the action log CSV');
      assert.ok(!consoleOutput.join('\n').includes(s), 'nothing of a credential in the console output');
    }
    assert.doesNotMatch(csv, /eyJ|PRIVATE KEY|Bearer/);
    await context.close();
  });
});
