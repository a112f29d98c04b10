// The high-risk list as an operator works it (issue 13): rows selected by checkbox, by
// shift-click range and by "all that match", removed as one bulk job with an outcome for each
// (checked against the server's list), sorted by a column, exported as CSV. The list is put
// back as it was at the end.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { launch, open, assertClean, connectKeyFile, api, sandbox, textMatching } from './helpers.mjs';

let browser;
let initial; // the server's list before these tests: [{ email, primaryUsername, alternateUsername }]

const lc = (s) => s.toLowerCase();
const serverEntries = async () => (await api('GET', '/v2/users/highrisk')).body.users;
const serverEmails = async () => new Set((await serverEntries()).map((u) => lc(u.email)));
const faults = (f) => sandbox('/_sandbox/faults', f);

async function restore() {
  const now = await serverEmails();
  const missing = initial.map((u) => u.email).filter((e) => !now.has(lc(e)));
  for (let i = 0; i < missing.length; i += 100) {
    const r = await api('PUT', '/v1/users/highrisk', { action: 'add', users: missing.slice(i, i + 100) });
    assert.ok([200, 207].includes(r.status), `restoring the list: ${r.status}`);
  }
}

// RFC 4180 as cas_core::csv writes it: quoted cells, doubled quotes, CRLF.
function parseCsv(text) {
  const rows = [];
  let row = [], cell = '', quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (c === '"') quoted = false; else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(cell); cell = ''; } else if (c === '\r' && text[i + 1] === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; i++; } else cell += c;
  }
  if (cell !== '' || row.length) { row.push(cell); rows.push(row); }
  return rows;
}
// What a spreadsheet-safe cell holds for a value (see cas_core::csv::cell).
const safe = (v) => (/^[=+\-@\t\r]/.test(v) ? `'${v}` : v);

async function listPage() {
  const o = await open(browser, '/high-risk');
  await connectKeyFile(o.page, 'superadmin.key');
  await textMatching(o.page.locator('[data-test=hr-count]'), /users? on the high-risk list$/);
  return o;
}
const rows = (page) => page.locator('.vlist .vrow:not(.vhead)');
const shownEmails = (page) => page.locator('.vlist .vrow:not(.vhead) a').allTextContents();

async function download(page, locator) {
  const [file] = await Promise.all([page.waitForEvent('download'), locator.click()]);
  return { name: file.suggestedFilename(), rows: parseCsv(readFileSync(await file.path(), 'utf8')) };
}

before(async () => {
  browser = await launch();
  await faults({ rateLimit: null, failRate: 0, latencyMs: 0 });
  initial = await serverEntries();
  assert.ok(initial.length >= 5, `the sandbox starts with a few high-risk users (${initial.length})`);
});
after(async () => {
  await faults({ rateLimit: null, failRate: 0, latencyMs: 0 });
  if (initial) await restore();
  await browser?.close();
});

describe('removing selected rows', () => {
  it('removes 3 rows picked by click and shift-click as one bulk job, each with its outcome, and the server agrees', async () => {
    const { page, problems, context } = await listPage();
    const total = initial.length;
    const picked = (await shownEmails(page)).slice(0, 3);
    await rows(page).nth(0).locator('input[type=checkbox]').click();
    await rows(page).nth(2).locator('input[type=checkbox]').click({ modifiers: ['Shift'] });
    assert.equal(await page.locator('[data-test=hr-selected]').textContent(), '3 selected');
    for (let i = 0; i < 3; i++) assert.equal(await rows(page).nth(i).locator('input[type=checkbox]').isChecked(), true, `row ${i + 1} is selected`);
    assert.equal(await rows(page).nth(3).locator('input[type=checkbox]').isChecked(), false);

    // Asks first, naming how many; Cancel keeps everything.
    const remove = page.locator('[data-test=hr-remove]');
    assert.equal(await remove.textContent(), 'Remove 3 from the list…');
    await remove.click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    assert.match(await dialog.textContent(), /Remove 3 users from the high-risk list\?/);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    assert.equal((await serverEntries()).length, total, 'nothing sent on Cancel');
    assert.equal(await remove.evaluate((b) => b === document.activeElement), true, 'the focus is back on the button');

    await remove.click();
    await dialog.getByRole('button', { name: 'Remove from list' }).click();
    await page.waitForURL(/\/high-risk\/bulk$/);
    const summary = await textMatching(page.locator('[data-test=accounted]'), /accounted for/, 30000);
    assert.equal(summary, 'All 3 identifiers accounted for: 3 removed, 0 not found, 0 ambiguous, 0 refused by validation, 0 failed after retries, 0 not sent (0 duplicates, 0 set aside, 0 cancelled).');
    // The job's own outcome view, one row per identifier.
    const outcome = await page.locator('.bulk-cols .vrow:not(.vhead)').evaluateAll((rs) => rs.map((r) => [...r.children].map((c) => c.textContent)));
    assert.deepEqual(outcome.map((r) => [r[1], r[2]]), picked.map((e) => [e, 'removed']));
    assert.equal(await page.locator('[data-test=job-status]').evaluate((s) => s.contains(document.activeElement)), true, 'the focus is on the outcome');

    const after = await serverEmails();
    for (const e of picked) assert.ok(!after.has(lc(e)), `${e} is off the server's list`);
    assert.equal(after.size, total - 3, 'no one else was removed');

    // Back on the list, it is read again.
    await page.getByRole('link', { name: '← High-risk list' }).click();
    await textMatching(page.locator('[data-test=hr-count]'), new RegExp(`^${total - 3} users on the high-risk list$`));
    for (const e of picked) assert.ok(!(await shownEmails(page)).includes(e));
    await page.getByRole('link', { name: /Action log/ }).click();
    assert.match((await page.locator('table.log tbody tr').allTextContents()).join('\n'), /Remove from high-risk list \(bulk\).*3 identifiers.*succeeded/);
    assertClean(problems);
    await context.close();
    await restore();
  });

  it('offers no second job while one is under way', async () => {
    const o = await open(browser, '/high-risk/bulk');
    const { page, problems, context } = o;
    await connectKeyFile(page, 'superadmin.key');
    await faults({ latencyMs: 1500 });
    try {
      // 400 identifiers nobody has: four requests, three in flight; paused, the fourth waits.
      await page.getByLabel('Remove them from the high-risk list').check();
      await page.locator('#bulk-input').fill(Array.from({ length: 400 }, (_, i) => `nobody.${i}@nowhere.example`).join('\n'));
      await page.locator('[data-test=bulk-start]').click();
      await page.locator('[data-test=bulk-confirm]').click();
      await page.getByRole('button', { name: 'Pause' }).click();
      await textMatching(page.locator('[data-test=job-state]'), /^Paused\./);
      await page.getByRole('link', { name: '← High-risk list' }).click();
      const why = await textMatching(page.locator('[data-test=hr-remove-denied]'), /bulk job is under way/, 20000);
      assert.match(why, /must finish before another starts/);
      assert.equal(await page.locator('[data-test=hr-remove]').count(), 0, 'no Remove button');
      await page.getByRole('link', { name: 'See it' }).click();
      await page.getByRole('button', { name: 'Cancel' }).click();
      await textMatching(page.locator('[data-test=accounted]'), /^All 400 identifiers accounted for: 0 removed, 300 not found, .*100 cancelled/, 30000);
      await page.getByRole('link', { name: '← High-risk list' }).click();
      await page.locator('[data-test=hr-remove]').waitFor({ timeout: 20000 });
    } finally {
      await faults({ latencyMs: 0 });
    }
    assert.equal((await serverEntries()).length, initial.length, 'the list is as it was');
    assertClean(problems);
    await context.close();
  });
});

describe('selecting, sorting and exporting', () => {
  it('selects all that match the filter, and says how many the filter hides', async () => {
    const { page, problems, context } = await listPage();
    const server = await serverEntries();
    // A filter that leaves some rows but not all: the first email's domain part before the dot won't do
    // (all share example.com), so a local part's first letters.
    const matches = (needle) => server.filter((u) => [u.email, u.primaryUsername, u.alternateUsername].some((v) => lc(v ?? '').includes(needle)));
    const needle = server.map((u) => lc(u.email).slice(0, 2)).find((n) => matches(n).length >= 2 && matches(n).length < server.length);
    assert.ok(needle, 'a filter that leaves some rows');
    const expected = matches(needle).length;
    await page.locator('#hr-filter').fill(needle);
    await textMatching(page.locator('[data-test=hr-count]'), new RegExp(`^${expected} of ${server.length} users match$`));
    const all = page.locator('[data-test=hr-select-all]');
    assert.equal(await all.textContent(), `Select all ${expected} that match`);
    await all.click();
    assert.equal(await page.locator('[data-test=hr-selected]').textContent(), `${expected} selected`);
    assert.equal(await page.locator('[data-test=hr-select-shown]').isChecked(), true, 'the header box says every row shown is selected');
    // Escape empties the filter: the selection stays, the header box is now partly checked.
    await page.locator('#hr-filter').press('Escape');
    assert.equal(await page.locator('#hr-filter').inputValue(), '');
    await textMatching(page.locator('[data-test=hr-count]'), new RegExp(`^${server.length} users on the high-risk list$`));
    assert.equal(await page.locator('[data-test=hr-selected]').textContent(), `${expected} selected`);
    assert.equal(await page.locator('[data-test=hr-select-shown]').evaluate((b) => b.indeterminate), true);
    // A filter that hides some of the selection says so.
    await page.locator('#hr-filter').fill('nobody-matches-this');
    assert.equal(await page.locator('[data-test=hr-selected]').textContent(), `${expected} selected (${expected} not shown by the filter)`);
    await page.locator('#hr-filter').fill('');
    await page.locator('[data-test=hr-clear]').click();
    assert.equal(await page.locator('[data-test=hr-selected]').textContent(), 'None selected');
    assert.equal(await page.locator('[data-test=hr-remove]').isDisabled(), true, 'nothing to remove');
    // The header box selects every row shown, and again unselects them.
    await page.locator('[data-test=hr-select-shown]').check();
    assert.equal(await page.locator('[data-test=hr-selected]').textContent(), `${server.length} selected`);
    await page.locator('[data-test=hr-select-shown]').uncheck();
    assert.equal(await page.locator('[data-test=hr-selected]').textContent(), 'None selected');
    assertClean(problems);
    await context.close();
  });

  it('sorts by a column (ascending, descending, then the server\'s order) and exports the rows shown as formula-safe CSV', async () => {
    const { page, problems, context } = await listPage();
    const server = await serverEntries();
    const header = (name) => page.locator('.vhead [role=columnheader]', { has: page.getByRole('button', { name }) });
    const byEmail = [...server].sort((a, b) => (lc(a.email) < lc(b.email) ? -1 : lc(a.email) > lc(b.email) ? 1 : 0));

    await page.getByRole('button', { name: 'Email' }).click();
    assert.equal(await header('Email').getAttribute('aria-sort'), 'ascending');
    assert.equal(await header('Primary username').getAttribute('aria-sort'), 'none');
    const asc = await shownEmails(page);
    assert.deepEqual(asc, byEmail.slice(0, asc.length).map((u) => u.email));
    await page.getByRole('button', { name: 'Email' }).click();
    assert.equal(await header('Email').getAttribute('aria-sort'), 'descending');
    const desc = await shownEmails(page);
    assert.deepEqual(desc, [...byEmail].reverse().slice(0, desc.length).map((u) => u.email));

    // The whole list, in the order shown, every row (not only those drawn).
    const whole = await download(page, page.locator('[data-test=hr-export]'));
    assert.match(whole.name, /^high-risk-list-all-.*\.csv$/);
    assert.deepEqual(whole.rows[0], ['email', 'primary username', 'alternate username']);
    assert.equal(whole.rows.length, server.length + 1);
    assert.deepEqual(whole.rows.slice(1).map((r) => r[0]), [...byEmail].reverse().map((u) => safe(u.email)));
    const byMail = new Map(server.map((u) => [u.email, u]));
    for (const [email, primary, alternate] of whole.rows.slice(1)) {
      const u = byMail.get(email);
      assert.deepEqual([primary, alternate], [safe(u.primaryUsername ?? ''), safe(u.alternateUsername ?? '')]);
    }

    // Filtered: only the rows the filter leaves, still sorted.
    await page.locator('#hr-filter').fill('high.risk@');
    await textMatching(page.locator('[data-test=hr-count]'), /^1 of \d+ users match$/);
    assert.equal(await page.locator('[data-test=hr-export]').textContent(), 'Export the 1 shown (CSV)');
    const filtered = await download(page, page.locator('[data-test=hr-export]'));
    assert.match(filtered.name, /^high-risk-list-filtered-.*\.csv$/);
    assert.deepEqual(filtered.rows.map((r) => r[0]), ['email', 'high.risk@example.com']);

    // A third click is the server's order again.
    await page.locator('#hr-filter').fill('');
    await page.getByRole('button', { name: 'Email' }).click();
    assert.equal(await header('Email').getAttribute('aria-sort'), 'none');
    const natural = await shownEmails(page);
    assert.deepEqual(natural, server.slice(0, natural.length).map((u) => u.email));
    await page.getByRole('button', { name: 'Primary username' }).click();
    assert.equal(await header('Primary username').getAttribute('aria-sort'), 'ascending');
    assertClean(problems);
    await context.close();
  });
});
