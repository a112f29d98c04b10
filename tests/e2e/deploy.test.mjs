// The production configs in deploy/, as `cargo xtask test` runs them on loopback (see
// xtask/src/deploy.rs): the console at CONSOLE_URL through deploy/nginx.conf (or
// deploy/Caddyfile) in front of the sandbox, and DEPLOY_ECHO_URL, the same config in front of
// an echo server this file starts on DEPLOY_ECHO_PORT (it shows what the tenant would receive,
// and answers with a cookie and headers of its own). Skipped when run through trunk.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { gunzipSync, brotliDecompressSync } from 'node:zlib';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { launch, open, assertClean, connectKeyFile, search, CONSOLE_URL, SANDBOX_URL } from './helpers.mjs';

const SERVER = process.env.DEPLOY_SERVER; // nginx | caddy
const ECHO_URL = process.env.DEPLOY_ECHO_URL;
const ECHO_PORT = Number(process.env.DEPLOY_ECHO_PORT);
const HTTP_URL = process.env.DEPLOY_HTTP_URL; // nginx's port-80 server, redirect only
const CSP = process.env.DEPLOY_CSP; // what `cargo xtask dist` derives from dist/index.html
const DIST = process.env.DEPLOY_DIST; // the build served, with its precompressed .br and .gz copies
const skip = SERVER ? false : 'runs through deploy/ configs in cargo xtask test';

// What the upstream received, and an answer that tries to set a cookie and its own headers.
const received = [];
let echo;
function startEcho() {
  echo = http.createServer((req, res) => {
    if (req.url === '/frame') {
      // A page of another origin (this server's own address) that frames the console.
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(`<iframe src="${CONSOLE_URL}/"></iframe>`);
      return;
    }
    let size = 0;
    req.on('data', (chunk) => { size += chunk.length; });
    req.on('end', () => {
      const seen = { method: req.method, url: req.url, headers: req.headers, size };
      received.push(seen);
      res.writeHead(200, {
        'content-type': 'application/json',
        'set-cookie': ['upstream=1; Path=/', 'session=2; Path=/; HttpOnly'],
        'content-security-policy': 'default-src *',
        'x-frame-options': 'ALLOWALL',
        'cache-control': 'public, max-age=600',
      });
      res.end(JSON.stringify(seen));
    });
  });
  return new Promise((resolve, reject) => { echo.once('error', reject); echo.listen(ECHO_PORT, '127.0.0.1', resolve); });
}

// A request written byte for byte, as an attacker's would be: fetch resolves dot segments
// and turns `\` into `/` before sending, and no client library sends a CONNECT with a
// second request behind it. Ordinary requests go through request() below.
function raw(base, requestLine, headers = {}, after = '') {
  const { hostname, port, host } = new URL(base);
  const lines = [requestLine, ...Object.entries({ Host: host, Connection: 'close', ...headers }).map(([k, v]) => `${k}: ${v}`)];
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), hostname, () => socket.write(`${lines.join('\r\n')}\r\n\r\n${after}`));
    const chunks = [];
    socket.setTimeout(10000, () => socket.destroy());
    socket.on('data', (d) => chunks.push(d));
    socket.on('error', () => {});
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const [head, ...rest] = text.split('\r\n\r\n');
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? 0);
      const headerMap = {};
      for (const line of head.split('\r\n').slice(1)) {
        const i = line.indexOf(':');
        if (i > 0) headerMap[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
      }
      resolve({ status, headers: headerMap, body: rest.join('\r\n\r\n') });
    });
  });
}

// node:http, which sends whatever headers it is given (fetch drops Cookie).
function request(base, path, { method = 'GET', headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(base + path, { method, headers }, (res) => {
      const chunks = [];
      res.on('data', (d) => chunks.push(d));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const sandboxTotal = async () => (await (await fetch(`${SANDBOX_URL}/_sandbox/requests`)).json()).total;
const sandboxPort = () => new URL(SANDBOX_URL).port;

function assertSecurityHeaders(headers, what) {
  assert.equal(headers['content-security-policy'], CSP, `${what}: the CSP`);
  assert.equal(headers['referrer-policy'], 'no-referrer', `${what}: Referrer-Policy`);
  assert.equal(headers['x-content-type-options'], 'nosniff', `${what}: X-Content-Type-Options`);
  assert.equal(headers['x-frame-options'], 'DENY', `${what}: X-Frame-Options`);
  assert.match(headers['strict-transport-security'] ?? '', /^max-age=\d{8}/, `${what}: HSTS`);
  const permissions = headers['permissions-policy'] ?? '';
  for (const off of ['camera=()', 'microphone=()', 'geolocation=()', 'payment=()', 'usb=()']) {
    assert.ok(permissions.split(/,\s*/).includes(off), `${what}: Permissions-Policy has ${off}`);
  }
  assert.ok(permissions.split(/,\s*/).includes('clipboard-write=(self)'), `${what}: the copy buttons keep the clipboard`);
}

// Every path that must not reach anything outside the two prefixes.
const climbing = [
  '/_sandbox/health',
  '/AdminInterface/other',
  '/AdminInterface/restapi',
  '/AdminInterface/restapi/../../_sandbox/health',
  '/AdminInterface/restapi/%2e%2e/%2e%2e/_sandbox/health',
  '/AdminInterface/restapi/%2E%2E%2F%2E%2E%2F_sandbox%2Fhealth',
  '/AdminInterface/restapi/..%2F..%2F_sandbox/health',
  '/AdminInterface/restapi/v1/..%2f..%2f..%2f..%2f_sandbox/health',
  '/oauth/..%2F_sandbox/health',
  '/oauth/%2e%2e/_sandbox/health',
  '/AdminInterface/restapi/..;/..;/_sandbox/health',
  '/AdminInterface/restapi/%252e%252e/%252e%252e/_sandbox/health',
  '/AdminInterface/restapi/..\\..\\_sandbox/health',
  '/AdminInterface/restapi/%5c..%5c..%5c_sandbox/health',
];

// Each thing the proxies refuse on their two prefixes, alone in an otherwise ordinary path,
// spelled every way a client can send it: raw where a request line can carry it, and
// percent-encoded in either case. `..` inside a segment (a whole `..` segment is resolved by
// nginx before it matches, see below), `;`, `\`, and `%` once decoded (a raw `%` that
// starts no escape is malformed).
const refusedTails = [
  'v1/users..', 'v1/..users/lookup', 'v1/u..x/lookup', 'v1/%2e%2eusers', 'v1/users%2E%2E', 'v1/users.%2e',
  'v1/users;x', 'v1/users;', 'v1/users%3bx', 'v1/users%3Bx',
  'v1\\users', 'v1/users\\', 'v1%5cusers', 'v1%5Cusers',
  'v1%25users', 'v1/%252e', 'v1%users',
];
// The two prefixes as the console spells them, and in other case: Caddy's path matchers
// ignore case (nginx's locations do not), so a refusal that minds case lets these through.
const exactPrefixes = ['/AdminInterface/restapi/', '/oauth/'];
const otherCase = ['/ADMININTERFACE/RESTAPI/', '/adminInterface/RestApi/', '/OAUTH/', '/OAuth/'];

describe(`deployment config through ${SERVER ?? 'a production server'}`, { skip }, () => {
  let browser;
  let hashed;
  before(async () => {
    await startEcho();
    browser = await launch();
    const index = await (await fetch(`${CONSOLE_URL}/`)).text();
    hashed = {
      wasm: /href="(\/[^"]+_bg\.wasm)"/.exec(index)[1],
      js: /href="(\/cas-console-[0-9a-f]{8,16}\.js)"/.exec(index)[1],
      boot: /src="(\/boot-[0-9a-f]{8,16}\.js)"/.exec(index)[1],
      css: /href="(\/[^"]+-[0-9a-f]{8,16}\.css)"/.exec(index)[1],
    };
    // The page chunks and their loader, in dist/split-<hash>/ beside the glue.
    const folder = `/${readdirSync(DIST).find((f) => /^split-[0-9a-f]+$/.test(f))}`;
    hashed.loader = `${folder}/__wasm_split.js`;
    hashed.chunk = `${folder}/${readdirSync(`${DIST}${folder}`).find((f) => /^split_.*\.wasm$/.test(f))}`;
  });
  after(async () => {
    await browser?.close();
    echo?.close();
  });

  it('sends the CSP cargo xtask derives: index.html\'s meta policy plus frame-ancestors', async () => {
    const res = await fetch(`${CONSOLE_URL}/`);
    const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(await res.text())[1];
    assert.equal(res.headers.get('content-security-policy'), CSP);
    assert.equal(CSP, `${meta}; frame-ancestors 'none'`);
    for (const part of ["default-src 'self'", "script-src 'self' 'wasm-unsafe-eval'", "connect-src 'self'", "frame-ancestors 'none'",
      "base-uri 'none'", "form-action 'none'", "object-src 'none'", "style-src 'self'", "img-src 'self' data:"]) {
      assert.ok(CSP.split('; ').includes(part), `the CSP has ${part}`);
    }
  });

  it('sends the security headers on pages, files, API answers and errors alike', async () => {
    const big = 'x'.repeat(2 * 1024 * 1024);
    const cases = [
      ['index.html', await request(CONSOLE_URL, '/')],
      ['a console route', await request(CONSOLE_URL, '/users/j.doe%40example.com')],
      ['the wasm', await request(CONSOLE_URL, hashed.wasm)],
      ['boot.js', await request(CONSOLE_URL, hashed.boot)],
      ['a missing hashed file (404)', await request(CONSOLE_URL, '/cas-console-0000000000000000_bg.wasm')],
      ['an API answer (403 from the sandbox)', await request(CONSOLE_URL, '/AdminInterface/restapi/v1/users/lookup', { method: 'POST', body: '{}' })],
      ['the token endpoint (400 from the sandbox)', await request(CONSOLE_URL, '/oauth/token', { method: 'POST', body: '' })],
      ['a refused path (400)', await raw(CONSOLE_URL, 'GET /AdminInterface/restapi/..;/x HTTP/1.1')],
      ['a body over 1 MB (413)', await request(CONSOLE_URL, '/AdminInterface/restapi/v1/users/lookup', { method: 'POST', body: big, headers: { 'content-type': 'application/json' } })],
      ['an upstream answer with headers of its own', await request(ECHO_URL, '/AdminInterface/restapi/v1/users/lookup')],
    ];
    const statuses = cases.map(([what, res]) => `${what}: ${res.status}`);
    assert.deepEqual(cases.map(([, res]) => res.status), [200, 200, 200, 200, 404, 403, 400, 400, 413, 200], statuses.join(', '));
    for (const [what, res] of cases) assertSecurityHeaders(res.headers, what);
  });

  it('keeps hashed files a year, never index.html, and never serves index.html for a missing file', async () => {
    const year = 'public, max-age=31536000, immutable';
    for (const path of [hashed.wasm, hashed.boot, hashed.css, hashed.loader, hashed.chunk]) {
      assert.equal((await request(CONSOLE_URL, path)).headers['cache-control'], year, path);
    }
    const chunk = await request(CONSOLE_URL, hashed.chunk);
    assert.equal(chunk.headers['content-type'], 'application/wasm', 'a chunk is wasm');
    const missingChunk = await request(CONSOLE_URL, hashed.chunk.replace(/split_[^/]+$/, 'split_nothing_here.wasm'));
    assert.equal(missingChunk.status, 404, 'a missing chunk is a 404, never index.html');
    for (const path of ['/', '/index.html', '/users/j.doe%40example.com', '/log']) {
      const res = await request(CONSOLE_URL, path);
      assert.equal(res.status, 200, path);
      assert.match(res.headers['content-type'], /^text\/html/, path);
      assert.equal(res.headers['cache-control'], 'no-store', path);
    }
    const missing = await request(CONSOLE_URL, '/cas-console-0000000000000000_bg.wasm');
    assert.equal(missing.status, 404);
    assert.notEqual(missing.headers['cache-control'], year, 'a 404 is not kept for a year');
    assert.doesNotMatch(missing.body.toString(), /<!doctype html>\s*<html lang="en">/, 'not index.html');
    const api = await request(ECHO_URL, '/AdminInterface/restapi/v1/users/lookup');
    assert.equal(api.headers['cache-control'], 'no-store', 'the API\'s answers are never stored');
  });

  it('serves the wasm as application/wasm, compressed', async () => {
    const plain = await request(CONSOLE_URL, hashed.wasm, { headers: { 'accept-encoding': 'identity' } });
    assert.equal(plain.headers['content-type'], 'application/wasm');
    assert.equal(plain.headers['content-encoding'], undefined);
    for (const [accept, encoding, unpack] of [['gzip', 'gzip', gunzipSync], ['gzip, deflate, br, zstd', 'br', brotliDecompressSync]]) {
      const packed = await request(CONSOLE_URL, hashed.wasm, { headers: { 'accept-encoding': accept } });
      assert.equal(packed.headers['content-type'], 'application/wasm', accept);
      assert.equal(packed.headers['content-encoding'], encoding, accept);
      assert.match(packed.headers.vary ?? '', /Accept-Encoding/i, accept);
      assert.ok(packed.body.length < plain.body.length / 2, `${encoding} ${packed.body.length} bytes of ${plain.body.length}`);
      assert.ok(unpack(packed.body).equals(plain.body), `the same wasm once unpacked from ${encoding}`);
    }
  });

  it('sends every first-load file as the copy cargo xtask dist wrote and counted: .br, .gz or none, as the browser takes', async () => {
    // Every file with copies beside it (what the size guard counts), and a console route,
    // which is index.html too.
    // The page chunks and their loader (dist/split-<hash>/) are served the same way.
    const chunkFolders = readdirSync(DIST).filter((f) => /^split-[0-9a-f]+$/.test(f));
    const all = [...readdirSync(DIST), ...chunkFolders.flatMap((d) => readdirSync(`${DIST}/${d}`).map((f) => `${d}/${f}`))];
    const files = all.filter((f) => existsSync(`${DIST}/${f}.gz`) && existsSync(`${DIST}/${f}.br`));
    for (const kind of [/^[^/]+\.wasm$/, /^cas-console-.*\.js$/, /^boot-.*\.js$/, /\.css$/, /^index\.html$/, /^split-[0-9a-f]+\/__wasm_split\.js$/, /^split-[0-9a-f]+\/split_.*\.wasm$/]) {
      assert.ok(files.some((f) => kind.test(f)), `dist/ has copies of a file like ${kind}`);
    }
    const paths = [...files.map((f) => [`/${f}`, f]), ['/', 'index.html'], ['/users/j.doe%40example.com', 'index.html']];
    // What a browser sends (br only over https, where every current one offers it), and
    // what other clients do: the copy it can read, else the file itself.
    const accepts = [
      ['gzip, deflate, br, zstd', '.br'], ['br', '.br'], ['br;q=1.0, gzip;q=0.8', '.br'],
      ['gzip, deflate', '.gz'], ['gzip', '.gz'],
      ['identity', ''], [undefined, ''],
    ];
    const wrong = [];
    for (const [path, file] of paths) {
      for (const [accept, copy] of accepts) {
        const res = await request(CONSOLE_URL, path, { headers: accept === undefined ? {} : { 'accept-encoding': accept } });
        const expected = readFileSync(`${DIST}/${file}${copy}`);
        const encoding = { '.br': 'br', '.gz': 'gzip', '': undefined }[copy];
        if (res.status !== 200 || res.headers['content-encoding'] !== encoding || !res.body.equals(expected)) {
          wrong.push(`${path} for Accept-Encoding ${accept}: ${res.status} ${res.headers['content-encoding']} ${res.body.length} bytes, not ${file}${copy} (${expected.length})`);
        }
        if (copy && !/Accept-Encoding/i.test(res.headers.vary ?? '')) wrong.push(`${path} for Accept-Encoding ${accept}: no Vary: Accept-Encoding`);
      }
    }
    assert.deepEqual(wrong, []);
  });

  it('runs the console under the header CSP with no violation, its API calls going through the proxy', async () => {
    const { page, problems, context } = await open(browser);
    const policyErrors = [];
    page.on('console', (m) => { if (/Permissions-Policy|Permissions Policy/i.test(m.text())) policyErrors.push(m.text()); });
    const res = await page.reload();
    assert.equal(res.headers()['content-security-policy'], CSP);
    await page.getByRole('heading', { name: 'Connect to your tenant' }).waitFor();
    const before = await sandboxTotal();
    await connectKeyFile(page, 'superadmin.key');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Search' }).click();
    await search(page, 'j.doe');
    await page.locator('#results a', { hasText: 'j.doe@example.com' }).first().waitFor();
    assert.ok((await sandboxTotal()) > before, 'the search reached the sandbox through the proxy');
    assertClean(problems);
    assert.deepEqual(policyErrors, [], 'Chromium understands the whole Permissions-Policy');
    await context.close();
  });

  it('cannot be framed by another site (frame-ancestors, which only the header can carry)', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const refusals = [];
    page.on('console', (m) => { if (/frame-ancestors 'none'/.test(m.text())) refusals.push(m.text()); });
    const framed = page.waitForResponse(`${CONSOLE_URL}/`);
    await page.goto(`http://127.0.0.1:${ECHO_PORT}/frame`);
    assert.equal((await framed).headers()['content-security-policy'], CSP, 'the frame got the console\'s answer');
    await page.waitForTimeout(500);
    const frame = page.frames().find((f) => f !== page.mainFrame());
    assert.match(frame?.url() ?? '', /^chrome-error:/, 'Chromium showed its error page instead');
    assert.equal(refusals.length, 1, 'because of frame-ancestors');
    await context.close();
  });

  it('reaches nothing outside /AdminInterface/restapi/ and /oauth/, however the path is spelled', async () => {
    const before = await sandboxTotal();
    for (const path of climbing) {
      const res = await raw(CONSOLE_URL, `GET ${path} HTTP/1.1`);
      assert.notEqual(res.body.trim(), 'ok', `${path} reached the sandbox's /_sandbox/health`);
      assert.notEqual(res.status, 0, `${path}: an answer`);
    }
    assert.equal(await sandboxTotal(), before, 'the sandbox saw none of those requests');
    received.length = 0;
    for (const path of climbing) await raw(ECHO_URL, `GET ${path} HTTP/1.1`);
    assert.deepEqual(received.map((r) => r.url), [], 'the upstream saw none of those requests');
  });

  it('refuses each of `..`, `;`, `\\` and a decoded `%` alone, raw and encoded, in both prefixes and in any case', async () => {
    const before = await sandboxTotal();
    const leaked = [];
    const answers = [];
    for (const prefix of [...exactPrefixes, ...otherCase]) {
      for (const tail of refusedTails) {
        const path = prefix + tail;
        for (const base of [CONSOLE_URL, ECHO_URL]) {
          received.length = 0;
          const res = await raw(base, `GET ${path} HTTP/1.1`);
          leaked.push(...received.map((r) => `${path} sent on as ${r.url}`));
          // Refused outright where it is one of the two prefixes; in other case nginx does not
          // proxy it at all (it is a console route: index.html).
          if (exactPrefixes.includes(prefix) || res.status === 0) answers.push(`${path}: ${res.status}`);
        }
      }
    }
    assert.deepEqual(leaked, [], 'the upstream saw none of them');
    assert.deepEqual(answers.filter((a) => !a.endsWith(': 400')), [], 'each refused with 400');
    assert.equal(await sandboxTotal(), before, 'the sandbox saw none of them');
  });

  it('proxies the two prefixes only as the console spells them', async () => {
    received.length = 0;
    for (const prefix of otherCase) {
      const res = await raw(ECHO_URL, `GET ${prefix}v1/users/highrisk HTTP/1.1`);
      assert.notEqual(res.status, 0, `${prefix}: an answer`);
    }
    assert.deepEqual(received.map((r) => r.url), [], 'the upstream saw none of them');
  });

  it('forwards the two prefixes as they are, and never a dot segment', async () => {
    received.length = 0;
    await request(ECHO_URL, '/AdminInterface/restapi/v2/users/search?pageSize=25&pageNumber=0');
    await request(ECHO_URL, '/oauth/token', { method: 'POST', body: '' });
    assert.deepEqual(received.map((r) => `${r.method} ${r.url}`),
      ['GET /AdminInterface/restapi/v2/users/search?pageSize=25&pageNumber=0', 'POST /oauth/token']);
    // Resolved before it is sent on (nginx), or refused (Caddy): the upstream never reads a
    // dot segment, wherever it stands, even one that only a cleaned path puts inside a prefix.
    const sentRaw = [];
    for (const path of ['/AdminInterface/restapi/v1/./users/../users/lookup', '/x/../AdminInterface/restapi/v1/users/lookup',
      '/AdminInterface/x/../restapi/v1/users/lookup', '/oauth/./token', '/x/%2e%2e/oauth/token', '/ADMININTERFACE/../AdminInterface/restapi/v1/users/lookup']) {
      received.length = 0;
      const res = await raw(ECHO_URL, `GET ${path} HTTP/1.1`);
      sentRaw.push(...received.filter((r) => /(^|\/)\.{1,2}(\/|$)|%2e/i.test(r.url)).map((r) => `${path} sent on as ${r.url}`));
      assert.ok(received.length === 1 || res.status === 400, `${path}: sent on once, or refused (${res.status})`);
    }
    assert.deepEqual(sentRaw, []);
  });

  it('ignores an absolute URL in the request line and any other Host', async () => {
    const before = await sandboxTotal();
    const absolute = await raw(CONSOLE_URL, `GET http://127.0.0.1:${sandboxPort()}/_sandbox/health HTTP/1.1`);
    assert.notEqual(absolute.body.trim(), 'ok', 'an absolute URL did not reach the sandbox');
    const elsewhere = await raw(CONSOLE_URL, `GET http://127.0.0.1:${sandboxPort()}/_sandbox/health HTTP/1.1`, { Host: `127.0.0.1:${sandboxPort()}` });
    assert.notEqual(elsewhere.body.trim(), 'ok');
    // A tunnel would carry the second request to the sandbox, which would answer "ok".
    const connect = await raw(CONSOLE_URL, `CONNECT 127.0.0.1:${sandboxPort()} HTTP/1.1`, { Host: `127.0.0.1:${sandboxPort()}` },
      `GET /_sandbox/health HTTP/1.1\r\nHost: 127.0.0.1:${sandboxPort()}\r\n\r\n`);
    assert.doesNotMatch(connect.body, /(^|\n)ok\s*$/, 'CONNECT opens no tunnel');
    assert.equal(await sandboxTotal(), before);
    // Another name in Host or in the request line: refused, never sent on to the tenant.
    for (const [line, host] of [['GET /AdminInterface/restapi/v1/users/highrisk HTTP/1.1', 'evil.example'],
      ['GET /AdminInterface/restapi/v1/users/highrisk HTTP/1.1', 'localhost'],
      ['GET http://evil.example/AdminInterface/restapi/v1/users/highrisk HTTP/1.1', undefined]]) {
      received.length = 0;
      const res = await raw(ECHO_URL, line, host ? { Host: host } : {});
      assert.deepEqual(received, [], `${line} Host: ${host} reached the upstream`);
      // nginx closes the connection without a word (444); Caddy answers an empty 200 to a
      // name it does not serve (in production, such a name gets no TLS certificate at all).
      if (SERVER === 'nginx') assert.equal(res.status, 0, `${line} Host: ${host} was answered ${res.status}`);
      else assert.equal(res.body, '', `${line} Host: ${host} was answered ${res.status}`);
    }
    // Our own name on another port is ours: sent on under the tenant's name.
    received.length = 0;
    await raw(ECHO_URL, 'GET /AdminInterface/restapi/v1/users/highrisk HTTP/1.1', { Host: `127.0.0.1:${ECHO_PORT}` });
    assert.deepEqual(received.map((r) => r.headers.host), [`127.0.0.1:${ECHO_PORT}`]);
  });

  it('sends the tenant its own Host and the credentials, but no cookie; passes no cookie back', async () => {
    received.length = 0;
    const body = '{"email":"j.doe@example.com"}';
    const res = await request(ECHO_URL, '/AdminInterface/restapi/v1/users/lookup', {
      method: 'POST',
      headers: { cookie: 'console=secret', authorization: 'Bearer abc', 'content-type': 'application/json' },
      body,
    });
    assert.equal(res.status, 200);
    assert.equal(received.length, 1);
    const seen = received[0];
    assert.equal(seen.headers.host, `127.0.0.1:${ECHO_PORT}`, 'the upstream\'s name, not the console\'s');
    assert.equal(seen.headers.cookie, undefined, 'no cookie forwarded');
    assert.equal(seen.headers.authorization, 'Bearer abc');
    assert.equal(seen.headers['x-forwarded-for'], undefined, 'the operator\'s address stays here');
    assert.equal(seen.size, body.length, 'the body, whole');
    assert.equal(res.headers['set-cookie'], undefined, 'no cookie from upstream');
    const token = await request(ECHO_URL, '/oauth/token', { method: 'POST', headers: { cookie: 'a=b' }, body: 'grant_type=x' });
    assert.equal(token.headers['set-cookie'], undefined);
    assert.equal(received[1].headers.cookie, undefined);
  });

  it('caps request bodies at about 1 MB', async () => {
    received.length = 0;
    const small = await request(ECHO_URL, '/AdminInterface/restapi/v1/users/lookup', { method: 'POST', body: 'x'.repeat(900 * 1000) });
    assert.equal(small.status, 200);
    const big = await request(ECHO_URL, '/AdminInterface/restapi/v1/users/lookup', { method: 'POST', body: 'x'.repeat(1100 * 1000) });
    assert.equal(big.status, 413);
    assert.deepEqual(received.map((r) => r.size), [900 * 1000], 'the big body never reached the upstream');
  });

  it('over plain http, only redirects to https', { skip: !HTTP_URL && 'nginx only: Caddy redirects by itself' }, async () => {
    const before = await sandboxTotal();
    for (const path of ['/', '/AdminInterface/restapi/v1/users/highrisk', '/_sandbox/health']) {
      const res = await raw(HTTP_URL, `GET ${path} HTTP/1.1`, { Host: 'evil.example' });
      assert.equal(res.status, 301, path);
      assert.equal(res.headers.location, `https://127.0.0.1${path}`, 'to the console\'s own name, whatever the Host');
    }
    assert.equal(await sandboxTotal(), before);
  });
});
