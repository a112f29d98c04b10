// Bad input (issue 10), each ending in a clear message: answers that are not JSON, of the
// wrong shape, far larger than asked for, empty where a user was expected, and the docs' own
// malformed example bodies; key files and JWKs of every broken shape. The routes stand for a
// tenant, or a proxy in front of it, that answers so: not for our code.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch, open, assertClean, connectKeyFile, readCredential, search, textMatching } from './helpers.mjs';

let browser, page, context, problems;
before(async () => {
  browser = await launch();
  ({ page, context, problems } = await open(browser));
  await connectKeyFile(page, 'superadmin.key');
});
after(async () => { await browser?.close(); });

// The User Details page's own example answer, as printed (a comma missing, one too many).
const DOCS_USER_EXAMPLE = `{
"id": "f85b6e95-f41f-45b4-bc84-559fead6460c",
"emailAddress": "user.one@mycompany.com",
"firstName": "User",
"lastName": "One",
"creationDate": "2018-08-31T19:10:30.045Z",
"identitySource": "My Company AD",
"userStatus": "Enabled",
"markDeleted": false,
"highRiskUser": false,
"markDeletedAt": null,
"markDeletedBy": null,
"smsNumber": "+11235556799",
"voiceNumber": "+1 774 291 4444",
"isTokenLocked": false,
"isSmsLocked": false,
"isVoiceLocked": false,
"lastSyncTime": "2018-08-31T19:20:30.045Z",
"emergencyAccessStatus": "Disabled",
"emergencyTokencodeId": null,
"emergencyTokencodeExpiration": null,
"emergencyTokencodeLastUse": null
"offlineEmergencyAccessStatus": "Disabled",
"offlineEmergencyTokencodeExpiration": null,
}`;

async function answered(pattern, body, status = 200) {
  await page.route(pattern, (r) => r.fulfill({ status, contentType: 'application/json', body }));
}

async function userPage(email) {
  await page.evaluate((p) => { history.pushState(null, '', p); dispatchEvent(new PopStateEvent('popstate')); }, `/users/${encodeURIComponent(email)}`);
}

describe('answers that are not what the API documents', () => {
  const lookup = '**/AdminInterface/restapi/v1/users/lookup';
  const cases = [
    ['a 200 with an empty body where a user was expected', ''],
    ['the User Details page\'s own malformed example', DOCS_USER_EXAMPLE],
    ['a list where one user was expected', '[{"id":"1","emailAddress":"a@b.c"}]'],
    ['a string', '"ok"'],
    ['HTML with a 200', '<html><body>Welcome</body></html>'],
  ];
  for (const [what, body] of cases) {
    it(`a lookup answered with ${what}`, async () => {
      await answered(lookup, body);
      try {
        await userPage(`odd.${cases.findIndex((c) => c[0] === what)}@example.com`);
        const text = await textMatching(page.getByRole('alert'), /answered 200 but its body is not what the API documents \(expected a user\)/);
        assert.match(text, /Reload to see the current state/);
        assert.equal(await page.locator('[data-test=retry]').count(), 1, 'a way to try again');
      } finally {
        await page.unroute(lookup);
      }
    });
  }

  it('a page of search results far larger than asked for', async () => {
    const search25 = '**/AdminInterface/restapi/v2/users/search**';
    const elements = Array.from({ length: 5000 }, (_, i) => ({ id: `u${i}`, emailAddress: `flood.${i}@example.com` }));
    await answered(search25, JSON.stringify({ totalPages: 1, totalElements: 5000, elements }));
    try {
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Search' }).click();
      await search(page, 'flood');
      await textMatching(page.getByRole('alert'), /\(5000 users for a page of at most 25\)/);
      assert.equal(await page.locator('#results li').count(), 0, 'none of them drawn');
    } finally {
      await page.unroute(search25);
    }
  });

  it('a status change answered with a status that is not a status', async () => {
    const status = '**/AdminInterface/restapi/v1/users/*/userStatus';
    await answered(status, '{"id":"x","userStatus":42}');
    try {
      await userPage('admin.disabled@example.com');
      await page.locator('[data-test=status-toggle]', { hasText: 'Enable user' }).click();
      await textMatching(page.getByRole('alert'), /not what the API documents \(expected the user's new status\)/);
      assert.equal(await page.locator('[data-test=status]').textContent(), 'Disabled', 'the status shown is not changed');
    } finally {
      await page.unroute(status);
    }
    assertClean(problems);
  });
});

describe('credential files of every broken shape', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'cas-e2e-bad-'));
  const file = (name, text) => {
    const p = join(scratch, name);
    writeFileSync(p, text);
    return p;
  };
  const good = JSON.parse(readCredential('helpdesk.key'));
  const oauth = JSON.parse(readCredential('oauth-client.json'));

  it('key files: truncated, wrong types, a BOM, another key kind', async () => {
    const { page: p, context: c } = await open(browser);
    const text = JSON.stringify(good);
    const cases = [
      [file('truncated.key', text.slice(0, text.length / 2)), /not JSON/],
      [file('types.key', JSON.stringify({ ...good, accessKey: 42 })), /no "accessKey" field/],
      [file('array.key', JSON.stringify([good])), /not JSON/],
      [file('empty.key', ''), /not JSON/],
      [file('bom.key', `\ufeff${JSON.stringify({ ...good, accessKey: '' })}`), /"accessKey" field is empty/],
      [file('jwk.key', JSON.stringify(oauth.jwk)), /no "accessID" field|no "accessKey" field|no "adminRestApiUrl" field|no "customerName" field/],
      [file('url.key', JSON.stringify({ ...good, adminRestApiUrl: 'ftp://x' })), /not an https:\/\/ or http:\/\/ address/],
    ];
    await p.getByRole('tab', { name: 'Key file' }).click();
    for (const [f, pattern] of cases) {
      await p.locator('#key-file').setInputFiles(f);
      await textMatching(p.getByRole('alert'), pattern);
    }
    await c.close();
  });

  it('JWKs: public only, wrong curve, a key set of two, not JSON, wrong member types', async () => {
    const { page: p, context: c } = await open(browser);
    await p.getByRole('tab', { name: 'OAuth client' }).click();
    await p.locator('#client-id').fill(oauth.clientId);
    await p.locator('#issuer').fill(oauth.issuerUrl);
    const { d, p: _p, q, dp, dq, qi, ...publicOnly } = oauth.jwk;
    const cases = [
      [JSON.stringify(publicOnly), /public key \(it has no "d"\)/],
      [JSON.stringify({ kty: 'EC', crv: 'P-384', x: 'AQ', y: 'AQ', d: 'AQ' }), /only P-256/],
      [JSON.stringify({ keys: [oauth.jwk, oauth.jwk] }), /one JWK object/],
      ['{"kty": "RSA", "n": ', /not JSON/],
      [JSON.stringify({ ...oauth.jwk, n: 7 }), /no "n" member/],
      [JSON.stringify({ kty: 'oct', k: 'AQ' }), /key type "oct" is not supported/],
    ];
    for (const [jwk, pattern] of cases) {
      await p.locator('#jwk').fill(jwk);
      await p.getByRole('button', { name: 'Connect' }).click();
      await textMatching(p.getByRole('alert'), pattern);
    }
    await c.close();
  });
});
