import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chromiumAvailable, useBrowserPlatform } from './support/browser-platform.ts';

/** The web UI in headless Chromium against the whole platform (`npm start` in-process). */
describe.skipIf(!chromiumAvailable)('web UI in a browser', () => {
  const env = useBrowserPlatform('gaia-web-');

  it('loads the home page, then htmx swaps in the live platform status', async () => {
    const { platform, browser, dataDir } = env;
    const page = await browser.newPage();
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
    await page.close();
  });
});
