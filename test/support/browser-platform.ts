import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { AllInOneConfigSchema } from '../../all-in-one/config.ts';
import { type Platform, startPlatform } from '../../all-in-one/start.ts';
import { parseConfig } from '../../lib/config/config.ts';
import { createMemoryLogger } from '../../lib/logging/logger.ts';

// CHROMIUM_PATH lets a developer point at another Chromium build; CI uses Debian's.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Whether the browser tests can run here; use with `describe.skipIf(!chromiumAvailable)`. */
export const chromiumAvailable = existsSync(CHROMIUM);
if (process.env.CI === 'true' && !chromiumAvailable) {
  throw new Error('CI must install Debian chromium (.ci/run does): the browser tests would be skipped');
}

export interface BrowserPlatform {
  /** The whole platform (`npm start` in-process) on free ports. */
  readonly platform: Platform;
  /** Headless Chromium. */
  readonly browser: Browser;
  /** The platform's temporary DATA_DIR, removed after the suite. */
  readonly dataDir: string;
}

function started<T>(value: T | undefined, name: string): T {
  if (value === undefined) throw new Error(`${name} is only available inside tests (after beforeAll)`);
  return value;
}

/**
 * Registers `beforeAll`/`afterAll` that start the whole platform in a temporary data directory and launch headless
 * Chromium, and returns accessors for them. Call it inside a `describe`.
 * @example
 * describe.skipIf(!chromiumAvailable)('web UI', () => {
 *   const web = useBrowserPlatform('gaia-web-');
 *   it('loads', async () => { const page = await web.browser.newPage(); await page.goto(web.platform.web.url); });
 * });
 */
export function useBrowserPlatform(dataDirPrefix: string): BrowserPlatform {
  let platform: Platform | undefined;
  let browser: Browser | undefined;
  let dataDir: string | undefined;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), dataDirPrefix));
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
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  return {
    get platform() {
      return started(platform, 'platform');
    },
    get browser() {
      return started(browser, 'browser');
    },
    get dataDir() {
      return started(dataDir, 'dataDir');
    },
  };
}

/** The headers every response of the web UI must carry. */
const SECURITY_HEADERS = ['content-security-policy', 'x-content-type-options', 'referrer-policy', 'x-frame-options'] as const;

export interface SecurityWatch {
  /** Content-Security-Policy violations, console errors and uncaught page errors since the last `take()`. */
  take(): string[];
  /** Every response of the web UI seen so far (its path) and the security headers it lacked. */
  readonly responses: { path: string; status: number; missing: string[] }[];
}

/**
 * Watches every page of `context` for what a strict Content-Security-Policy breaks: `securitypolicyviolation`
 * events (from an init script, which runs whatever the policy), console errors and uncaught errors; and records the
 * security headers of each response from `webUrl`. Console reports of HTTP error statuses (a refused sign-in's
 * 400) are not problems.
 * @example const watch = await watchSecurity(context, platform.web.url); ...; expect(watch.take()).toEqual([]);
 */
export async function watchSecurity(context: BrowserContext, webUrl: string): Promise<SecurityWatch> {
  let problems: string[] = [];
  const responses: SecurityWatch['responses'] = [];
  await context.exposeBinding('__reportCspViolation', ({ page }, violation: string) => {
    problems.push(`CSP violation on ${page.url()}: ${violation}`);
  });
  await context.addInitScript(() => {
    const report = (window as unknown as { __reportCspViolation: (violation: string) => void }).__reportCspViolation;
    document.addEventListener('securitypolicyviolation', (e) => {
      report(`${e.effectiveDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber}) ${e.sample}`);
    });
  });
  context.on('console', (message) => {
    if (message.type() !== 'error' || /^Failed to load resource: the server responded with a status of 4\d\d/.test(message.text())) return;
    problems.push(`console error on ${message.page()?.url()}: ${message.text()}`);
  });
  context.on('weberror', (error) => problems.push(`page error: ${error.error().message}`));
  context.on('response', (res) => {
    if (!res.url().startsWith(webUrl)) return;
    const headers = res.headers();
    const url = new URL(res.url());
    responses.push({ path: url.pathname + url.search, status: res.status(), missing: SECURITY_HEADERS.filter((name) => !headers[name]) });
  });
  return {
    take() {
      const seen = problems;
      problems = [];
      return seen;
    },
    responses,
  };
}
