// Sign-in history: the last success at the top, newest first, failures in words, filters by
// kind, code and date (the dates sent with their offset, `+` as %2B), and the API's cap.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, assertClean, textMatching, api } from './helpers.mjs';
import { openFresh, openUser, panel } from './helpdesk-common.mjs';

let browser, page, context, problems;
const sent = [];
before(async () => {
  browser = await launch();
  // A zone east of UTC without daylight saving: every offset the console sends is +05:30.
  ({ page, context, problems } = await openFresh(browser, 'token.locked@example.com', undefined, { timezoneId: 'Asia/Kolkata' }));
  page.on('request', (r) => { if (r.url().includes('/authlogs')) sent.push(r.url()); });
});
after(async () => { await browser?.close(); });

const history = () => panel(page, 'history');
const rows = () => history().locator('tbody tr');
const serverLogs = async (id, query = '') => (await api('GET', `/v1/users/${id}/authlogs/${query}`)).body;

describe('sign-in history', () => {
  it('shows the events newest first, every failure with its reason in words', async () => {
    const user = (await api('POST', '/v1/users/lookup', { email: 'token.locked@example.com' })).body;
    const server = await serverLogs(user.id);
    assert.equal(await rows().count(), server.length);
    const times = await rows().locator('td:first-child time').evaluateAll((ts) => ts.map((t) => t.getAttribute('datetime')));
    assert.deepEqual(times, server.map((e) => e.eventLogDate), 'newest first, each with the exact server value');
    const newest = rows().first();
    assert.match(await newest.textContent(), /Failed/);
    assert.match(await newest.textContent(), /35 · Authentication failed - Method locked\./);
    assert.match(await newest.textContent(), /The method they used is locked after too many failed attempts/);
    assert.equal(await history().locator('tr.event-failed').count(), server.filter((e) => e.eventLevel === 'error').length);
  });

  it('puts the last successful sign-in at the top', async () => {
    // sms.locked signs in by SMS, whose successes RSA logs under codes it does not document.
    await openUser(page, 'sms.locked@example.com');
    assert.match(await history().locator('[data-test=last-success]').textContent(), /No successful sign-in in the history CAS keeps \(the last 40 days\)\. The user record says they last authenticated in \w{3} \d{4}\./);
    await openUser(page, 'j.doe@example.com');
    const text = await history().locator('[data-test=last-success]').textContent();
    assert.match(text, /^Last successful sign-in: \d{1,2} \w{3} \d{4}, \d\d:\d\d \(.+ ago\) with /);
    const iso = await history().locator('[data-test=last-success] time').getAttribute('title');
    const user = (await api('POST', '/v1/users/lookup', { email: 'j.doe@example.com' })).body;
    const newestSuccess = (await serverLogs(user.id)).find((e) => [103, 1501, 1521, 20612].includes(e.eventCode));
    assert.equal(iso, newestSuccess.eventLogDate);
  });

  it('filters by kind among the events read, without asking again', async () => {
    const before = sent.length;
    await history().locator('[data-test=event-filter]').selectOption('kind:succeeded');
    await textMatching(history().locator('[data-test=history-count]'), /of the \d+ events read are successful sign-ins/);
    const outcomes = await rows().locator('td:nth-child(2)').allTextContents();
    assert.ok(outcomes.length > 0 && outcomes.every((o) => o === 'Signed in'), outcomes.join(','));
    assert.equal(sent.length, before, 'no request for a kind');
  });

  it('filters by code through the API', async () => {
    await openUser(page, 'token.locked@example.com');
    const user = (await api('POST', '/v1/users/lookup', { email: 'token.locked@example.com' })).body;
    const expected = await serverLogs(user.id, '?eventCode=2');
    const asked = page.waitForRequest((r) => r.url().includes('/authlogs') && r.url().includes('eventCode='));
    await history().locator('[data-test=event-filter]').selectOption('code:2');
    assert.match((await asked).url(), /[?&]eventCode=2(&|$)/);
    await page.waitForFunction((n) => document.querySelectorAll('[data-panel=history] tbody tr').length === n, expected.length);
    const codes = await rows().locator('td:nth-child(3)').allTextContents();
    assert.ok(expected.length > 0 && codes.length === expected.length, `${codes.length} of ${expected.length}`);
    assert.ok(codes.every((c) => c.startsWith('2 · Method now locked.')), codes.join(','));
  });

  it('filters by date in the operator\'s zone, the offset sent as %2B05:30', async () => {
    await history().locator('[data-test=event-filter]').selectOption('');
    const user = (await api('POST', '/v1/users/lookup', { email: 'token.locked@example.com' })).body;
    const all = await serverLogs(user.id);
    // The day of the newest event, in Kolkata.
    const day = new Date(Date.parse(all[0].eventLogDate) + 330 * 60000).toISOString().slice(0, 10);
    await history().locator('[data-test=from]').fill(day);
    const both = page.waitForRequest((r) => r.url().includes('/authlogs') && r.url().includes('endTimeOnOrBefore'));
    await history().locator('[data-test=to]').fill(day);
    const raw = new URL((await both).url()).search;
    await textMatching(history().locator('[data-test=history-count]'), /^\d+ events?\./);
    assert.match(raw, /startTimeAfter=\d{4}-\d\d-\d\dT23%3A59%3A59\.999%2B05%3A30/);
    assert.match(raw, new RegExp(`endTimeOnOrBefore=${day}T23%3A59%3A59\\.999%2B05%3A30`));
    assert.doesNotMatch(raw, /\+/, 'no raw + in the query');
    const start = Date.parse(`${day}T00:00:00+05:30`);
    const end = Date.parse(`${day}T23:59:59.999+05:30`);
    const expected = all.filter((e) => Date.parse(e.eventLogDate) >= start && Date.parse(e.eventLogDate) <= end);
    assert.ok(expected.length > 0 && expected.length < all.length);
    await page.waitForFunction((n) => document.querySelectorAll('[data-panel=history] tbody tr').length === n, expected.length);
    await history().locator('[data-test=to]').fill('2020-01-01');
    await textMatching(history().getByRole('alert'), /The start date is after the end date\./);
    await history().getByRole('button', { name: 'Clear filters' }).click();
    await textMatching(history().locator('[data-test=history-count]'), new RegExp(`^${all.length} events\\.`));
  });

  it('says when the answer is the API\'s 100 newest', async () => {
    await openUser(page, 'busy.user@example.com');
    assert.equal(await rows().count(), 100);
    assert.match(await history().locator('[data-test=history-count]').textContent(), /100 events\. One answer holds the 100 newest: narrow the dates to see older ones\./);
    assertClean(problems);
  });
});
