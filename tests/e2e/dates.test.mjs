// Dates on the user page (issue 13): in words in the operator's time zone ("12 May 2019,
// 17:30 (7 years ago)"), the exact server value on hover (`title`) and in the raw view; the
// action log and its CSV keep ISO 8601.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, assertClean, api } from './helpers.mjs';
import { openFresh, openUser, panel, confirm, actionLog } from './helpdesk-common.mjs';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
// "12 May 2019, 17:30" for an ISO time in a time zone, written here with Node's own zone data,
// independently of the console's code (the zone's offset at that moment, daylight saving
// included).
const local = (iso, timeZone) => {
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
    .formatToParts(new Date(iso)).map((p) => [p.type, p.value]));
  return `${Number(parts.day)} ${MONTHS[Number(parts.month) - 1]} ${parts.year}, ${parts.hour}:${parts.minute}`;
};
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const field = (page, label) => page.locator('.groups dt', { hasText: new RegExp(`^${label}$`) }).locator('xpath=following-sibling::dd[1]').first();

describe('dates in words', () => {
  // São Paulo kept daylight saving until 2019: its offset differs between then and now.
  for (const zone of ['Asia/Kolkata', 'America/Sao_Paulo']) {
    it(`shows creationDate in ${zone}'s words, the ISO value in title and in the raw view`, async () => {
      const { page, problems, context } = await openFresh(browser, 'full.user@example.com', undefined, { timezoneId: zone });
      const { body: user } = await api('POST', '/v1/users/lookup', { email: 'full.user@example.com' });
      const created = field(page, 'Created');
      const words = await created.textContent();
      assert.match(words, new RegExp(`^${escape(local(user.creationDate, zone))} \\(\\d+ years? ago\\)$`));
      const time = created.locator('time');
      assert.equal(await time.getAttribute('title'), user.creationDate);
      assert.equal(await time.getAttribute('datetime'), user.creationDate);
      const exact = page.locator('[data-test=exact-dates] dt', { hasText: /^Created$/ }).locator('xpath=following-sibling::dd[1]');
      assert.equal(await exact.textContent(), user.creationDate);
      assert.ok((await page.locator('details.raw pre').textContent()).includes(`"creationDate":"${user.creationDate}"`));
      // A future date reads as one.
      const expires = await field(page, 'Expires').textContent();
      assert.match(expires, new RegExp(`^${escape(local(user.emergencyTokencodeExpiration, zone))} \\(in \\d+ days?\\)$`));
      // Every date on the page carries its exact value.
      const titles = await page.locator('main time').evaluateAll((ts) => ts.map((t) => [t.getAttribute('title'), t.getAttribute('datetime')]));
      assert.ok(titles.length > 10, `${titles.length} dates`);
      for (const [title, datetime] of titles) {
        assert.match(title, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/);
        assert.equal(title, datetime);
      }
      assertClean(problems);
      await context.close();
    });
  }

  it('shows a value that is not a timestamp as the server wrote it, and a missing one as a dash', async () => {
    const { page, context } = await openFresh(browser, 'sparse.user@example.com');
    assert.equal(await field(page, 'Created').textContent(), '—');
    await openUser(page, 'j.doe@example.com');
    const { body: user } = await api('POST', '/v1/users/lookup', { email: 'j.doe@example.com' });
    assert.equal(await field(page, 'Last authenticated').textContent(), user.monthLastAuthenticated);
    await context.close();
  });

  it('keeps ISO 8601 in the action log and its CSV', async () => {
    const { page, context } = await openFresh(browser, 'j.doe@example.com', undefined, { timezoneId: 'Asia/Kolkata' });
    // A change that changes nothing: unlocking a method that is not locked.
    await panel(page, 'locks').locator('input[data-method=TOKEN]').check();
    await panel(page, 'locks').locator('[data-test=unlock]').click();
    await confirm(page, 'Unlock');
    await panel(page, 'locks').locator('.note.ok').waitFor();
    const { csv } = await actionLog(page);
    const time = await page.locator('table.log tbody tr').first().locator('td').first().textContent();
    assert.match(time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.match(csv.split('\r\n')[1], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z,Unlock Authenticate OTP,j\.doe@example\.com,succeeded,/);
    await context.close();
  });
});
