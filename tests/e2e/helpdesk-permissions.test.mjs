// A credential that may only read users (the sandbox's oauth-client-limited.json): every
// help-desk panel says which permission it lacks, before any request, and the page asks the
// server for nothing beyond the lookup.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, assertClean, connectOAuth, readCredential } from './helpers.mjs';
import { ALL_SCOPES, openFresh, panel, requestLog, clearRequestLog } from './helpdesk-common.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

describe('a credential without the help-desk permissions', () => {
  it('says in each panel which permission is missing, and sends nothing it may not', async () => {
    await clearRequestLog();
    const client = JSON.parse(readCredential('oauth-client-limited.json')).clientId;
    const onlyRead = (p) => connectOAuth(p, 'oauth-client-limited.json', ALL_SCOPES.filter((s) => s !== 'rsa.user.read'));
    // Disabled, so that the deletion panel would offer marking.
    const { page, problems, context } = await openFresh(browser, 'synced.disabled@example.com', onlyRead);
    const expected = [
      ['history', 'history-denied', 'rsa.audit.user'],
      ['authenticators', 'authenticators-denied', 'rsa.authenticator.mobile.read'],
      ['locks', 'unlock-denied', 'rsa.user.factor.manage'],
      ['emergency', 'issue-denied', 'rsa.authenticator.emergency.manage'],
      ['sync', 'sync-denied', 'rsa.user.sync'],
      ['deletion', 'deletion-denied', 'rsa.user.delete.soft'],
    ];
    for (const [name, test, scope] of expected) {
      const text = await panel(page, name).locator(`[data-test=${test}]`).textContent();
      assert.match(text, new RegExp(`needs the \`${scope.replace(/\./g, '\\.')}\` permission`), `${name}: ${text}`);
    }
    for (const button of ['unlock', 'issue-code', 'sync', 'mark-deleted']) assert.equal(await page.locator(`[data-test=${button}]`).count(), 0, button);
    // The diagnosis says what it could not read, and why; its fix says what it would need.
    const diagnosis = await panel(page, 'diagnosis').textContent();
    assert.match(diagnosis, /Not read: the sign-in history\. To read a user's sign-in history the OAuth client needs the `rsa\.audit\.user` permission/);
    assert.match(diagnosis, /Not read: the authenticators\./);
    assert.match(diagnosis, /To enable or disable users the OAuth client needs the `rsa\.user\.manage` permission/);
    const routes = (await requestLog()).filter((e) => e.credential?.id === client && e.route !== 'POST /oauth/token').map((e) => e.route);
    assert.deepEqual([...new Set(routes)], ['POST /AdminInterface/restapi/v1/users/lookup'], routes.join('\n'));
    assertClean(problems);
    await context.close();
  });
});
