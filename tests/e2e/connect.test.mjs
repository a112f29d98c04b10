// Connecting with each kind of credential, and refusals that say what is wrong.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { launch, open, assertClean, connectKeyFile, connectOAuth, connectToken, legacyJwt, readCredential, textMatching } from './helpers.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const scratch = mkdtempSync(join(tmpdir(), 'cas-e2e-'));
function keyFileWith(accessKey, extra = {}) {
  const key = { ...JSON.parse(readCredential('helpdesk.key')), accessKey, ...extra };
  const path = join(scratch, `k${Math.random()}.key`);
  writeFileSync(path, JSON.stringify(key));
  return path;
}

describe('connect', () => {
  it('shows the connect screen with its CSP intact', async () => {
    const { page, problems, context } = await open(browser);
    await page.getByRole('heading', { name: 'Connect to your tenant' }).waitFor();
    assertClean(problems);
    await context.close();
  });

  it('connects with a Super Administrator key file and finds its role', async () => {
    const { page, problems, context } = await open(browser);
    await connectKeyFile(page, 'superadmin.key');
    assert.equal(await page.locator('[data-test=rights]').textContent(), 'Super Administrator');
    assert.equal(await page.locator('[data-test=kind]').textContent(), 'Administration API key');
    assert.match(await page.locator('[data-test=tenant]').textContent(), /127\.0\.0\.1/);
    assert.match(await page.locator('[data-test=time-left]').textContent(), /min/);
    assertClean(problems);
    await page.getByRole('button', { name: 'Disconnect' }).click();
    await page.getByRole('heading', { name: 'Connect to your tenant' }).waitFor();
    await context.close();
  });

  it('connects with a Help Desk key file and says what it cannot do', async () => {
    const { page, context } = await open(browser, '/users/full.user%40example.com');
    await connectKeyFile(page, 'helpdesk.key');
    assert.equal(await page.locator('[data-test=rights]').textContent(), 'Help Desk Administrator');
    // The deep link survives connecting.
    await page.locator('[data-test=email]').waitFor();
    assert.match(await page.locator('[data-test=risk-denied]').textContent(), /Super Administrator key/);
    await context.close();
  });

  it('connects with an OAuth client and shows the granted scopes', async () => {
    const { page, problems, context } = await open(browser);
    await connectOAuth(page, 'oauth-client.json');
    await page.locator('[data-test=rights]').waitFor();
    assert.equal(await page.locator('[data-test=kind]').textContent(), 'OAuth API client');
    assert.match(await page.locator('[data-test=rights]').textContent(), /rsa\.user\.read/);
    assertClean(problems);
    await context.close();
  });

  it('explains a refused token request (client lacks a requested scope)', async () => {
    const { page, context } = await open(browser);
    await connectOAuth(page, 'oauth-client-limited.json');
    const text = await textMatching(page.getByRole('alert'), /token request was refused/);
    assert.match(text, /untick permissions/);
    await context.close();
  });

  it('connects with a pasted token, showing when it expires', async () => {
    const { page, problems, context } = await open(browser);
    await connectToken(page, legacyJwt('helpdesk.key'));
    await page.locator('[data-test=kind]').waitFor();
    assert.equal(await page.locator('[data-test=kind]').textContent(), 'Pasted token');
    assert.match(await page.locator('[data-test=time-left]').textContent(), /min/);
    assertClean(problems);
    await context.close();
  });

  it('refuses a token the server refuses, and an expired one before sending it', async () => {
    const { page, context } = await open(browser);
    await connectToken(page, 'not-a-real-token');
    await textMatching(page.getByRole('alert'), /refused this token/);
    await page.locator('#token').fill(legacyJwt('helpdesk.key', { lifetime: -120 }));
    await page.getByRole('button', { name: 'Connect' }).click();
    await page.getByText('This token has already expired.').waitFor();
    await context.close();
  });

  it('says what is wrong with each bad key file', async () => {
    const { page, context } = await open(browser);
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'sec1', format: 'pem' });
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const pkcs1 = rsa.export({ type: 'pkcs1', format: 'pem' });
    const pkcs8 = rsa.export({ type: 'pkcs8', format: 'pem' });
    const notJson = join(scratch, 'notjson.key');
    writeFileSync(notJson, 'hello, I am not a key');
    const cases = [
      [notJson, /not JSON/],
      [keyFileWith(undefined, { accessID: undefined }), /no "accessKey" field|no "accessID" field/],
      [keyFileWith(ec), /EC key/],
      [keyFileWith(pkcs8.replace('BEGIN PRIVATE KEY', 'BEGIN RSA PRIVATE KEY').replace('END PRIVATE KEY', 'END RSA PRIVATE KEY')), /labelled PKCS#1/],
      [keyFileWith('just some text'), /not a PEM private key/],
      // A key pasted with literal \n sequences is still read; the tenant then refuses it since
      // it is not the key the sandbox issued.
      [keyFileWith(pkcs1.replace(/\n/g, '\\n')), /refused this key/],
    ];
    await page.getByRole('tab', { name: 'Key file' }).click();
    for (const [file, pattern] of cases) {
      await page.locator('#key-file').setInputFiles(file);
      await textMatching(page.getByRole('alert'), pattern);
    }
    await context.close();
  });
});
