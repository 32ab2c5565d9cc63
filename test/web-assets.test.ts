import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { chromiumAvailable, useBrowserPlatform, watchSecurity } from './support/browser-platform.ts';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * The Assets page in headless Chromium against `npm start` (the offline local provider): generate an image, follow
 * it to done, see its preview, download it, generate a clip, delete the image; at a phone's width nothing scrolls
 * sideways; no Content-Security-Policy violation or script error on the way.
 */
describe.skipIf(!chromiumAvailable)('web assets in a browser', () => {
  const env = useBrowserPlatform('gaia-web-assets-');

  it('generates an image, shows its progress and preview, downloads it, deletes it; fits 390 px', async () => {
    const { platform, browser } = env;
    const context = await browser.newContext({ acceptDownloads: true });
    const watch = await watchSecurity(context, platform.web.url);
    const page = await context.newPage();
    const web = (p: string) => `${platform.web.url}${p}`;

    // Signed out, the page sends the browser to sign in (here: sign up), and back to it afterwards.
    await page.goto(web('/assets'));
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.fill('#register-form input[name=email]', `grace-${Date.now()}@example.com`);
    await page.fill('#register-form input[name=password]', 'a long enough passphrase 42');
    await page.click('#register-form button[type=submit]');
    await page.waitForURL(web('/assets'));
    expect(await page.locator('nav a[href="/assets"]').getAttribute('aria-current')).toBe('page');
    expect(await page.locator('#asset-budget').textContent()).toContain('of $5.00 today');

    // Generate an image: its card appears at once (htmx) and follows the job to done over SSE.
    await page.selectOption('#asset-form select[name=category]', 'image');
    await page.fill('#asset-form input[name=style]', 'watercolor');
    await page.fill('#asset-form textarea[name=description]', 'a lighthouse at dusk');
    await page.click('#asset-form button[type=submit]');
    const card = page.locator('#asset-jobs article.asset-card').first();
    await card.waitFor({ timeout: 10_000 });
    const done = page.locator('#asset-jobs article.asset-card[data-state=succeeded]', { hasText: 'a lighthouse at dusk' });
    await done.waitFor({ timeout: 20_000 });
    expect(await done.locator('.status').textContent()).toBe('Done');
    expect(await done.locator('.status').getAttribute('aria-live')).toBe('polite');
    expect(await done.textContent()).toContain('local');

    // The preview is a real image through the web app.
    const img = done.locator('.media img');
    await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth), { timeout: 10_000 }).toBeGreaterThan(0);
    expect(await img.getAttribute('src')).toMatch(/^\/assets\/[0-9a-f-]{36}\/preview$/);

    // The download is the PNG.
    const [download] = await Promise.all([page.waitForEvent('download'), done.locator('a.download').click()]);
    expect(download.suggestedFilename()).toMatch(/\.png$/);
    const bytes = await readFile(await download.path());
    expect([...bytes.subarray(0, 8)]).toEqual(PNG_SIGNATURE);

    // An audio clip gets a player.
    await page.selectOption('#asset-form select[name=category]', 'audio');
    await page.fill('#asset-form textarea[name=description]', 'rain on a tin roof');
    await page.click('#asset-form button[type=submit]');
    await page.locator('#asset-jobs article.asset-card[data-state=succeeded] audio').waitFor({ timeout: 20_000 });

    // At a phone's width nothing scrolls sideways.
    const phone = await context.newPage();
    await phone.setViewportSize({ width: 390, height: 844 });
    await phone.goto(web('/assets'));
    await phone.locator('#asset-jobs article.asset-card').nth(1).waitFor();
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await phone.close();

    // Another user gets a 404 page for this asset's files, its job's events and its card.
    const src = (await img.getAttribute('src')) as string;
    const strangers = await browser.newContext();
    const stranger = await strangers.newPage();
    await stranger.goto(web('/login?next=/assets'));
    await stranger.fill('#register-form input[name=email]', `eve-${Date.now()}@example.com`);
    await stranger.fill('#register-form input[name=password]', 'another long passphrase 7');
    await stranger.click('#register-form button[type=submit]');
    await stranger.waitForURL(web('/assets'));
    for (const path of [src, src.replace(/preview$/, 'download')]) {
      const res = await stranger.goto(web(path));
      expect([path, res?.status()]).toEqual([path, 404]);
      expect(await stranger.locator('[role=alert]').textContent()).toContain('does not exist (or is not yours)');
    }
    await strangers.close();

    // Deleting the image (confirmed) removes its card, and it stays gone after a reload.
    page.once('dialog', (dialog) => void dialog.accept());
    await done.locator('button.delete').click();
    await expect.poll(() => done.count(), { timeout: 10_000 }).toBe(0);
    await page.reload();
    expect(await page.locator('#asset-jobs article.asset-card').count()).toBe(1);
    expect(await page.locator('#asset-jobs').textContent()).not.toContain('a lighthouse at dusk');

    expect(watch.take()).toEqual([]);
    const paths = watch.responses.map((r) => r.path);
    expect(paths.some((p) => /^\/assets\/jobs\/[0-9a-f-]{36}\/events$/.test(p))).toBe(true);
    expect(watch.responses.filter((r) => r.missing.length > 0)).toEqual([]);
    await context.close();
  }, 90_000);
});
