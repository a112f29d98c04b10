// Authenticators: every kind with what the API says about it, deletion with confirmation and a
// reason, a device already gone (404), and version 1 where the credential may not read v2.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, assertClean, connectOAuth, textMatching, api, readCredential } from './helpers.mjs';
import { openFresh, openUser, panel, confirm, actionLog, requestLog, clearRequestLog } from './helpdesk-common.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const lookup = async (email) => (await api('POST', '/v1/users/lookup', { email })).body;
const v2 = async (id) => (await api('GET', `/v2/users/${id}/devices?includeBrowsers=true`)).body;

describe('authenticators', () => {
  it('lists apps, browsers, FIDO credentials and hardware tokens with their details', async () => {
    const { page, problems, context } = await openFresh(browser, 'full.user@example.com');
    const user = await lookup('full.user@example.com');
    const server = await v2(user.id);
    const cards = panel(page, 'authenticators').locator('[data-test=authenticator]');
    assert.equal(await cards.count(), server.devices.length + server.fidoTokens.length + server.sidTokens.length);
    const text = await panel(page, 'authenticators').textContent();
    for (const kind of ['RSA Authenticator app', 'Browser authenticator', 'FIDO credential', 'Hardware token']) assert.ok(text.includes(kind), kind);
    for (const d of [...server.devices, ...server.fidoTokens, ...server.sidTokens]) assert.ok(text.includes(d.id), `id ${d.id} shown`);
    const token = server.sidTokens[0];
    assert.ok(text.includes(token.tokenSerialNumber), 'serial number shown');
    const registered = panel(page, 'authenticators').locator(`time[title="${server.devices[0].registeredDate}"]`);
    assert.equal(await registered.count(), 1, 'a registration date in words, the exact value in title');
    // Only apps and browsers have a delete here; FIDO and hardware tokens have their own APIs.
    assert.equal(await panel(page, 'authenticators').locator('[data-test=delete-authenticator]').count(), server.devices.length);
    assert.equal(await panel(page, 'authenticators').locator('[data-test=only-v1]').count(), 0);
    assertClean(problems);
    await context.close();
  });

  it('deletes an app after a confirmation, with the reason in the log and its CSV', async () => {
    const email = 'busy.user@example.com';
    const { page, problems, context } = await openFresh(browser, email);
    const user = await lookup(email);
    const before = (await v2(user.id)).devices;
    const card = panel(page, 'authenticators').locator('[data-test=authenticator]', { hasText: before[0].id });
    await card.locator('[data-test=delete-authenticator]').click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    assert.match(await dialog.textContent(), new RegExp(`Delete the authenticator “${before[0].name}” of Bea Busy \\(busy\\.user@example\\.com\\)\\?`));
    await confirm(page, 'Delete', 'INC-4242 lost phone');
    await textMatching(panel(page, 'authenticators').locator('.note.ok'), /is deleted/);
    await card.waitFor({ state: 'detached' });
    assert.deepEqual((await v2(user.id)).devices.map((d) => d.id), before.slice(1).map((d) => d.id));
    const { text, csv } = await actionLog(page, email);
    assert.match(text, /Delete authenticator.*busy\.user@example\.com.*succeeded.*reason: INC-4242 lost phone/);
    assert.equal(csv.split('\r\n')[0], 'time,action,target,outcome,details');
    assert.match(csv, /Delete authenticator,busy\.user@example\.com,succeeded,.*; reason: INC-4242 lost phone/);
    assertClean(problems);
    await context.close();
  });

  it('says so when the device was deleted meanwhile (404), and reads the list again', async () => {
    const email = 'busy.user@example.com';
    const { page, context } = await openFresh(browser, email);
    const user = await lookup(email);
    const [device] = (await v2(user.id)).devices;
    // Someone else deletes it while the page is open.
    assert.equal((await api('DELETE', `/v1/users/${user.id}/devices/${device.id}`)).status, 200);
    const card = panel(page, 'authenticators').locator('[data-test=authenticator]', { hasText: device.id });
    await card.locator('[data-test=delete-authenticator]').click();
    await confirm(page, 'Delete');
    const text = await textMatching(panel(page, 'authenticators').getByRole('alert'), /does not have this authenticator for this user \(404\)/);
    assert.match(text, /deleted already/);
    await card.waitFor({ state: 'detached' });
    await context.close();
  });

  it('reads version 1 when the credential may not read FIDO credentials, and says what is missing', async () => {
    await clearRequestLog();
    const client = JSON.parse(readCredential('oauth-client.json')).clientId;
    const { page, context } = await openFresh(browser, 'full.user@example.com', (p) => connectOAuth(p, 'oauth-client.json', ['rsa.authenticator.fido.read']));
    const note = await panel(page, 'authenticators').locator('[data-test=only-v1]').textContent();
    assert.match(note, /version 1 of the API, which lists apps and browser authenticators only/);
    assert.match(note, /rsa\.authenticator\.fido\.read/);
    const user = await lookup('full.user@example.com');
    assert.equal(await panel(page, 'authenticators').locator('[data-test=authenticator]').count(), (await v2(user.id)).devices.length);
    const routes = (await requestLog()).filter((e) => e.credential?.id === client).map((e) => e.route);
    assert.ok(routes.includes('GET /AdminInterface/restapi/v1/users/{id}/devices'), routes.join('\n'));
    assert.ok(!routes.some((r) => r.includes('/v2/users/{id}/devices')), 'v2 never asked');
    await context.close();
  });
});
