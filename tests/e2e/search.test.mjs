// Search as you type: ordering, empty results, stale answers never shown, keyboard, paging.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, open, assertClean, connectKeyFile, search, textMatching } from './helpers.mjs';

let browser, page, context, problems;
before(async () => {
  browser = await launch();
  ({ page, context, problems } = await open(browser));
  await connectKeyFile(page, 'helpdesk.key');
});
after(async () => { await browser?.close(); });

const emails = () => page.locator('#results .email').allTextContents();

describe('search', () => {
  it('finds by literal fragment, exact match first, then by email', async () => {
    await search(page, 'j.doe@example.com');
    await textMatching(page.locator('#results .email'), /j\.doe@example\.com/);
    const found = await emails();
    assert.equal(found[0], 'j.doe@example.com', 'the exact match comes first');
    assert.deepEqual(found.slice(1), [...found.slice(1)].sort(), 'the rest ascend by email');
    assert.ok(found.includes('a.j.doe@example.com'));
    assertClean(problems);
  });

  it('says so when nothing matches', async () => {
    await search(page, 'zz-nobody-has-this');
    await textMatching(page.locator('[data-test=no-results]'), /No user.s email contains .zz-nobody-has-this./);
  });

  it('never shows an answer that arrives after a newer query was sent', async () => {
    // Hold the answer to the first query back until the second query's answer is shown.
    let release;
    const held = new Promise((r) => { release = r; });
    await page.route('**/users/search**', async (route) => {
      const body = route.request().postDataJSON();
      if (body.emailLike === 'j.doe') {
        const response = await route.fetch();
        await held;
        await route.fulfill({ response }).catch(() => {});
      } else {
        await route.continue();
      }
    });
    await search(page, 'j.doe');
    await page.waitForTimeout(600); // past the debounce: the first request is in flight
    await search(page, 'yamada@');
    await textMatching(page.locator('#results .email'), /^taro\.yamada@example\.com$/);
    release();
    await page.waitForTimeout(800);
    assert.deepEqual(await emails(), ['taro.yamada@example.com']);
    await page.unroute('**/users/search**');
  });

  it('moves through results with the keyboard and opens one with Enter', async () => {
    await page.keyboard.press('Escape');
    await page.locator('body').click();
    await page.keyboard.press('/');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'search-box');
    await search(page, 'doe');
    await textMatching(page.locator('#results .email'), /doe/);
    const list = await emails();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/users\//);
    await textMatching(page.locator('[data-test=email]'), new RegExp(`^${list[1].replace(/\./g, '\\.')}$`));
    await page.goBack();
  });

  it('pages through more than 25 results', async () => {
    await search(page, '@example.com');
    const summary = await textMatching(page.locator('[data-test=summary]'), /page 1 of \d+/);
    const pages = Number(summary.match(/of (\d+)/)[1]);
    assert.ok(pages > 1, summary);
    assert.equal((await emails()).length, 25);
    const first = await emails();
    await page.getByRole('button', { name: 'Next page' }).click();
    await textMatching(page.locator('[data-test=summary]'), /page 2 of/);
    const second = await emails();
    assert.notDeepEqual(second, first);
    assert.ok(second[0] > first[first.length - 1], 'page 2 continues where page 1 stopped');
  });
});

describe('the search lives in the address', () => {
  it('Back and Forward restore a search and its page', async () => {
    await search(page, '@example.com');
    await textMatching(page.locator('[data-test=summary]'), /page 1 of \d+/);
    await page.waitForURL(/\?q=%40example\.com$|\?q=@example\.com$/);
    const first = await emails();
    await page.getByRole('button', { name: 'Next page' }).click();
    await textMatching(page.locator('[data-test=summary]'), /page 2 of/);
    await page.waitForURL(/page=2/);
    const second = await emails();
    await page.locator('#results a').first().click();
    await page.locator('[data-test=email]').waitFor();
    await page.goBack();
    await textMatching(page.locator('[data-test=summary]'), /page 2 of/);
    assert.deepEqual(await emails(), second, 'back from a user: the same page of results');
    assert.equal(await page.locator('#search-box').inputValue(), '@example.com');
    await page.goBack();
    await textMatching(page.locator('[data-test=summary]'), /page 1 of/);
    assert.deepEqual(await emails(), first);
    await page.goForward();
    await textMatching(page.locator('[data-test=summary]'), /page 2 of/);
    assert.deepEqual(await emails(), second);
    assertClean(problems);
  });

  it('a reload, then reconnecting, lands on the same query and page', async () => {
    await search(page, 'doe');
    await textMatching(page.locator('[data-test=summary]'), /page 1 of (\d+)/);
    const summary = await page.locator('[data-test=summary]').textContent();
    const pages = Number(summary.match(/of (\d+)/)[1]);
    if (pages > 1) {
      await page.getByRole('button', { name: 'Next page' }).click();
      await textMatching(page.locator('[data-test=summary]'), /page 2 of/);
    }
    const before = await emails();
    const url = page.url();
    await page.reload();
    await connectKeyFile(page, 'helpdesk.key');
    await textMatching(page.locator('[data-test=summary]'), pages > 1 ? /page 2 of/ : /page 1 of/);
    assert.equal(page.url(), url);
    assert.equal(await page.locator('#search-box').inputValue(), 'doe');
    assert.deepEqual(await emails(), before);
  });

  it('a link sent to a colleague opens on the same results', async () => {
    const colleague = await open(browser, '/?q=yamada%40&page=1');
    await connectKeyFile(colleague.page, 'helpdesk.key');
    await textMatching(colleague.page.locator('#results .email'), /^taro\.yamada@example\.com$/);
    assert.equal(await colleague.page.locator('#search-box').inputValue(), 'yamada@');
    assertClean(colleague.problems);
    await colleague.context.close();
  });
});
