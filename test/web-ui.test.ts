import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AllInOneConfigSchema } from '../all-in-one/config.ts';
import { type Platform, startPlatform } from '../all-in-one/start.ts';
import { parseConfig } from '../lib/config/config.ts';
import { createMemoryLogger } from '../lib/logging/logger.ts';

const CHROMIUM = '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (process.env.CI === 'true' && !available) throw new Error('CI must install Debian chromium (.ci/run does): the browser tests would be skipped');

/** The web UI in headless Chromium against the whole platform (`npm start` in-process). */
describe.skipIf(!available)('web UI in a browser', () => {
  let platform: Platform;
  let browser: Browser;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'gaia-web-'));
    const config = parseConfig(AllInOneConfigSchema, { DATA_DIR: dataDir, GATEWAY_PORT: '0', WEB_PORT: '0' });
    platform = await startPlatform(config, createMemoryLogger('warn'));
    await platform.started;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await platform?.close(2_000);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('loads the home page, then htmx swaps in the live platform status', async () => {
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
