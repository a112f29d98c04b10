// Shared by the help-desk panel tests (helpdesk-*.test.mjs, dates.test.mjs): opening a user
// inside one session, waiting for every panel, confirmations with a reason, the action log's
// CSV and the sandbox's request log.
import { readFileSync } from 'node:fs';
import { CONSOLE_URL, SANDBOX_URL, connectKeyFile, textMatching } from './helpers.mjs';

// Every scope the console asks for (cas_core::access::ALL_SCOPES).
export const ALL_SCOPES = ['rsa.user.read', 'rsa.user.manage', 'rsa.user.risky.manage', 'rsa.user.risky.read', 'rsa.group.users.manage',
  'rsa.audit.user', 'rsa.authenticator.mobile.read', 'rsa.authenticator.fido.read', 'rsa.authenticator.sidtoken.read',
  'rsa.authenticator.ds100.read', 'rsa.authenticator.mobile.delete', 'rsa.user.factor.manage', 'rsa.authenticator.emergency.manage',
  'rsa.user.sync', 'rsa.user.delete.soft'];

export const PANELS = ['diagnosis', 'history', 'locks', 'authenticators', 'emergency', 'sync', 'deletion'];

export const panel = (page, name) => page.locator(`[data-panel=${name}]`);

// Every panel drawn and none still loading: what the benchmark waits for too.
export async function panelsDrawn(page) {
  await page.waitForFunction((n) => document.querySelectorAll('[data-panel]').length === n && !document.querySelector('[data-panel][data-busy]'), PANELS.length, { timeout: 20000 });
}

// A user's page in the same tab, keeping the in-memory credential (a full load would drop it).
export async function go(page, path) {
  await page.evaluate((p) => { history.pushState(null, '', p); dispatchEvent(new PopStateEvent('popstate')); }, path);
}

export async function openUser(page, email) {
  await go(page, `/users/${encodeURIComponent(email)}`);
  await textMatching(page.locator('[data-test=email]'), new RegExp(`^${email.replace(/[.+]/g, '\\$&')}$`));
  await panelsDrawn(page);
}

// A fresh tab at a user's page, connected with `connect`.
export async function openFresh(browser, email, connect = (p) => connectKeyFile(p, 'superadmin.key'), options = {}) {
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 }, ...options });
  const page = await context.newPage();
  const problems = { csp: [], errors: [], dialogs: [], console: [] };
  page.on('console', (m) => { problems.console.push(m.text()); if (/Content Security Policy/i.test(m.text())) problems.csp.push(m.text()); });
  page.on('pageerror', (e) => problems.errors.push(String(e)));
  page.on('dialog', async (d) => { problems.dialogs.push(d.message()); await d.dismiss(); });
  await page.goto(`${CONSOLE_URL}/users/${encodeURIComponent(email)}`);
  await connect(page);
  await page.locator('[data-test=email]').waitFor();
  await panelsDrawn(page);
  return { context, page, problems };
}

// Answers the open confirmation with its button `name`, typing `reason` first if given.
export async function confirm(page, name, reason) {
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  if (reason !== undefined) await dialog.locator('[data-test=reason]').fill(reason);
  await dialog.getByRole('button', { name, exact: true }).click();
  await dialog.waitFor({ state: 'hidden' });
}

// The action log page's rows and its exported CSV, then back to `back`.
export async function actionLog(page, back) {
  await page.getByRole('link', { name: /Action log/ }).click();
  const rows = page.locator('table.log tbody tr');
  await textMatching(rows, /./);
  const text = (await rows.allTextContents()).join('\n');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
  const csv = readFileSync(await download.path(), 'utf8');
  if (back) await openUser(page, back);
  return { text, csv };
}

export async function requestLog() {
  const res = await fetch(`${SANDBOX_URL}/_sandbox/requests/log`);
  return (await res.json()).entries;
}

export async function clearRequestLog() {
  await fetch(`${SANDBOX_URL}/_sandbox/requests/log`, { method: 'DELETE' });
}

// The cause the diagnosis names first, and all it names, in order.
export async function causes(page) {
  return page.locator('[data-panel=diagnosis] li.finding').evaluateAll((items) => items.map((i) => i.dataset.cause));
}
