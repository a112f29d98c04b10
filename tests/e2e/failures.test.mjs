// Failures a user can meet, each in words with a next step: a proxy's HTML error page, a
// network failure, a body that is not JSON, and a rate limit waited out visibly.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, open, connectKeyFile, search, sandbox, textMatching } from './helpers.mjs';

let browser, page, context;
before(async () => {
  browser = await launch();
  ({ page, context } = await open(browser));
  await connectKeyFile(page, 'helpdesk.key');
});
after(async () => {
  await sandbox('/_sandbox/faults', { rateLimit: null, latencyMs: 0, failRate: 0 });
  await browser?.close();
});

// These stand in for the reverse proxy in front of the tenant, not for our code.
async function withRoute(handler, body) {
  await page.route('**/users/search**', handler);
  try { await body(); } finally { await page.unroute('**/users/search**'); }
}

describe('failures in words', () => {
  it('a proxy answering with an HTML error page', async () => {
    await withRoute((r) => r.fulfill({ status: 502, contentType: 'text/html', body: '<html><body><h1>502 Bad Gateway</h1></body></html>' }), async () => {
      await search(page, 'proxy-page');
      const text = await textMatching(page.getByRole('alert'), /proxy between you and RSA answered with an error page \(502\)/);
      assert.match(text, /try again shortly/);
    });
  });

  it('a request that never reaches the server', async () => {
    await withRoute((r) => r.abort('connectionrefused'), async () => {
      await search(page, 'network-down');
      await textMatching(page.getByRole('alert'), /did not reach the server/);
    });
  });

  it('a success whose body is not JSON', async () => {
    await withRoute((r) => r.fulfill({ status: 200, contentType: 'application/json', body: '{"totalPages": 1, "elem' }), async () => {
      await search(page, 'broken-body');
      await textMatching(page.getByRole('alert'), /body is not what the API documents/);
    });
  });

  it('a 500 from the tenant', async () => {
    await sandbox('/_sandbox/faults', { rateLimit: null, latencyMs: 0, failRate: 1 });
    await search(page, 'server-error');
    await textMatching(page.getByRole('alert'), /internal error \(500\)/);
    await sandbox('/_sandbox/faults', { rateLimit: null, latencyMs: 0, failRate: 0 });
  });

  it('a rate limit: says it is waiting, then shows the answer', async () => {
    await sandbox('/_sandbox/faults', { rateLimit: 1, latencyMs: 0, failRate: 0 });
    await search(page, 'j.doe@');
    await page.waitForTimeout(400);
    await search(page, 'j.doe2@');
    await page.waitForTimeout(400);
    await search(page, 'a.j.doe@');
    await textMatching(page.locator('.activity'), /rate-limiting requests \(429\); trying again in \d+ s/);
    await textMatching(page.locator('#results .email'), /^a\.j\.doe@example\.com$/);
    await sandbox('/_sandbox/faults', { rateLimit: null, latencyMs: 0, failRate: 0 });
  });
});
