// Shared by the browser tests: Debian's Chromium driven by playwright-core, the console at
// CONSOLE_URL (trunk or nginx), the sandbox at SANDBOX_URL with its credentials in STATE_DIR.
import { chromium } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createPrivateKey, createSign } from 'node:crypto';
import assert from 'node:assert/strict';

export const CONSOLE_URL = process.env.CONSOLE_URL ?? 'http://127.0.0.1:8080';
export const SANDBOX_URL = process.env.SANDBOX_URL ?? 'http://127.0.0.1:8787';
export const STATE_DIR = process.env.STATE_DIR ?? '.state/demo';

export const credentialFile = (name) => join(STATE_DIR, name);
export const readCredential = (name) => readFileSync(credentialFile(name), 'utf8');

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}

// A fresh page that records CSP violations, page errors and any dialog (alert) that opens.
// `options` go to the browser context (a viewport, an emulated colorScheme).
export async function open(browser, path = '/', options = {}) {
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 }, ...options });
  const page = await context.newPage();
  const problems = { csp: [], errors: [], dialogs: [] };
  page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) problems.csp.push(m.text()); });
  page.on('pageerror', (e) => problems.errors.push(String(e)));
  page.on('dialog', async (d) => { problems.dialogs.push(d.message()); await d.dismiss(); });
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`Content Security Policy violation: ${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  await page.goto(CONSOLE_URL + path);
  return { context, page, problems };
}

export function assertClean(problems) {
  assert.deepEqual(problems.csp, [], 'no Content-Security-Policy violation');
  assert.deepEqual(problems.errors, [], 'no uncaught error in the page');
  assert.deepEqual(problems.dialogs, [], 'no script-opened dialog');
}

export async function connectKeyFile(page, name = 'superadmin.key') {
  await page.getByRole('tab', { name: 'Key file' }).click();
  await page.locator('#key-file').setInputFiles(credentialFile(name));
  await page.locator('[data-test=rights]').waitFor();
}

export async function connectOAuth(page, name = 'oauth-client.json', untick = []) {
  await page.getByRole('tab', { name: 'OAuth client' }).click();
  await page.locator('#oauth-file').setInputFiles(credentialFile(name));
  await page.waitForFunction(() => document.querySelector('#client-id')?.value !== '');
  for (const scope of untick) await page.getByLabel(scope).uncheck();
  await page.getByRole('button', { name: 'Connect' }).click();
}

export async function connectToken(page, token) {
  await page.getByRole('tab', { name: 'Token' }).click();
  await page.locator('#token').fill(token);
  await page.getByRole('button', { name: 'Connect' }).click();
}

// A legacy JWT minted here with Node's own crypto: an independent path from the console's.
export function legacyJwt(keyName = 'superadmin.key', { lifetime = 3000 } = {}) {
  const key = JSON.parse(readCredential(keyName));
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const input = `${b64({ typ: 'JWT', alg: 'RS256' })}.${b64({ sub: key.accessID, aud: key.adminRestApiUrl, iat: now, exp: now + lifetime })}`;
  const sig = createSign('RSA-SHA256').update(input).sign(createPrivateKey(key.accessKey)).toString('base64url');
  return `${input}.${sig}`;
}

export async function sandbox(path, body) {
  const res = await fetch(SANDBOX_URL + path, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  assert.ok(res.ok, `sandbox ${path} answered ${res.status}`);
  return res.text();
}

// Straight to the sandbox API with a fresh legacy JWT, to check what the server holds.
export async function api(method, path, body) {
  const res = await fetch(`${SANDBOX_URL}/AdminInterface/restapi${path}`, {
    method,
    headers: { authorization: `Bearer ${legacyJwt()}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

export async function search(page, text) {
  await page.locator('#search-box').fill(text);
}

// Waits until the locator's text matches, then returns it (fails with the last text seen).
export async function textMatching(locator, pattern, timeout = 15000) {
  const end = Date.now() + timeout;
  let last = '';
  while (Date.now() < end) {
    last = (await locator.first().textContent({ timeout: 1000 }).catch(() => '')) ?? '';
    if (pattern.test(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`text ${JSON.stringify(last)} never matched ${pattern}`);
}

// Puts text into a field the way a paste does: a paste event carrying the text, then, unless
// the page refused it, the text in the field and one input event. (The driver's `fill` types
// through the browser's editing commands, which take seconds per thousand lines.) Returns
// whether the text went in.
export async function paste(locator, text) {
  return locator.evaluate((el, v) => {
    const clipboardData = new DataTransfer();
    clipboardData.setData('text/plain', v);
    if (!el.dispatchEvent(new ClipboardEvent('paste', { clipboardData, bubbles: true, cancelable: true }))) return false;
    el.value = v;
    el.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertFromPaste' }));
    return true;
  }, text);
}

// Everything the browser keeps, and where an address or a title could show something: every
// kind of storage, cookies (the page's and the context's), the Cache API's entries with their
// bodies, the URL, history state, the title; with `pageText`, the page's text too. Each a
// string, for "this secret is in none of them".
export async function browserKept(page, context, { pageText = false } = {}) {
  const inPage = await page.evaluate(async (withText) => {
    const dump = (s) => JSON.stringify(Object.fromEntries(Object.entries(s)));
    const dbs = indexedDB.databases ? await indexedDB.databases() : [];
    const cached = [];
    for (const name of await caches.keys()) {
      const cache = await caches.open(name);
      for (const req of await cache.keys()) cached.push(req.url, await (await cache.match(req)).text());
    }
    return {
      local: dump(localStorage), session: dump(sessionStorage), dbs: JSON.stringify(dbs), cookie: document.cookie,
      url: location.href, state: JSON.stringify(history.state), cached: JSON.stringify(cached), title: document.title,
      ...(withText ? { text: document.body.innerText } : {}),
    };
  }, pageText);
  return { ...inPage, cookies: JSON.stringify(await context.cookies()) };
}
