import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chromiumAvailable, useBrowserPlatform, watchSecurity } from './support/browser-platform.ts';

/**
 * The web UI in headless Chromium against the whole platform (`npm start` in-process), with no Content-Security-Policy
 * violation and the security headers on every response.
 */
describe.skipIf(!chromiumAvailable)('web UI in a browser', () => {
  const env = useBrowserPlatform('gaia-web-');

  it('loads the home page, then htmx swaps in the live platform status', async () => {
    const { platform, browser, dataDir } = env;
    const context = await browser.newContext();
    const watch = await watchSecurity(context, platform.web.url);
    const page = await context.newPage();
    const external: string[] = [];
    page.on('request', (req) => {
      if (!req.url().startsWith(platform.web.url)) external.push(req.url());
    });
    await page.goto(platform.web.url);
    expect(await page.title()).toBe('GAIA');
    await page.locator('#status table').waitFor({ timeout: 10_000 });
    const rows = await page.locator('#status tbody tr').allInnerTexts();
    expect(rows.map((r) => r.split('\t')[0])).toEqual(['auth', 'asset', 'chat', 'kb', 'database']);
    expect(await page.locator('#status strong').textContent()).toBe('healthy');
    expect(external).toEqual([]);
    await page.screenshot({ path: join(dataDir, 'home.png') });

    // Neither the page, htmx nor the 404 broke the Content-Security-Policy, and every response has the headers.
    await page.goto(`${platform.web.url}/no/such/page`);
    expect(watch.take()).toEqual([]);
    expect(watch.responses.map((r) => [r.path.replace(/\?v=.*$/, ''), r.status, r.missing])).toEqual(
      expect.arrayContaining([
        ['/', 200, []],
        ['/static/htmx.min.js', 200, []],
        ['/static/web.css', 200, []],
        ['/partials/status', 200, []],
        ['/no/such/page', 404, []],
      ]),
    );
    expect(watch.responses.filter((r) => r.missing.length > 0)).toEqual([]);
    await context.close();
  });
});
