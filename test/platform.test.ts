import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AllInOneConfigSchema } from '../all-in-one/config.ts';
import { type Platform, startPlatform } from '../all-in-one/start.ts';
import { parseConfig } from '../lib/config/config.ts';
import { createMemoryLogger } from '../lib/logging/logger.ts';

/** The all-in-one runner (`npm start`) over real HTTP, on the backends this run has (embedded, or PG/Redis in CI). */
describe('all-in-one platform', () => {
  let platform: Platform;
  let dataDir: string;
  const logger = createMemoryLogger('info');

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'gaia-platform-'));
    const config = parseConfig(AllInOneConfigSchema, {
      DATA_DIR: dataDir,
      GATEWAY_PORT: '0',
      WEB_PORT: '0',
      DATABASE_URL: process.env.DATABASE_URL,
      REDIS_URL: process.env.REDIS_URL,
      PUBLIC_GATEWAY_URL: 'http://gaia.example:8666',
    });
    platform = await startPlatform(config, logger);
    await platform.started;
  });

  afterAll(async () => {
    await platform?.close(2_000);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('serves the gateway: health of every part, on the configured backends', async () => {
    const res = await fetch(`${platform.gateway.url}/health`);
    const body = await res.json();
    expect(body.status).toBe('healthy');
    expect(body.database.status).toBe('healthy');
    if (process.env.REDIS_URL) expect(body.redis).toEqual({ status: 'healthy', connected: true });
    else expect(body).not.toHaveProperty('redis');
    expect(platform.backends.describe.database).toBe(process.env.DATABASE_URL ? 'postgresql' : 'pglite (embedded)');
  });

  it('serves the web UI: the page, its htmx status panel and htmx itself', async () => {
    const page = await (await fetch(`${platform.web.url}/`)).text();
    expect(page).toContain('<script src="/static/htmx.min.js?v=');
    expect(page).toContain('hx-get="/partials/status"');
    expect(page).toContain('href="http://gaia.example:8666/docs"');
    const panel = await (await fetch(`${platform.web.url}/partials/status`)).text();
    expect(panel).toContain('<td class="healthy">healthy</td>');
    for (const name of ['auth', 'chat', 'asset', 'kb', 'database']) expect(panel).toContain(`<td>${name}</td>`);
    const htmx = await fetch(`${platform.web.url}/static/htmx.min.js`);
    expect(htmx.status).toBe(200);
    expect(htmx.headers.get('content-type')).toContain('javascript');
    expect((await htmx.text()).length).toBeGreaterThan(10_000);
  });

  it('every service is ready (migrations applied)', async () => {
    const ready = await fetch(`${platform.gateway.url}/ready`);
    expect(ready.status).toBe(200);
    const rows = await platform.backends.db.query<{ schema_name: string }>(
      "select schema_name from information_schema.schemata where schema_name in ('auth','chat','asset','kb') order by 1",
    );
    expect(rows.map((r) => r.schema_name)).toEqual(['asset', 'auth', 'chat', 'kb']);
  });

  it('logs one structured line per request without secrets', async () => {
    await fetch(`${platform.gateway.url}/nope?api_key=gaia_test_SECRETSECRET123`, {
      headers: { authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln', 'x-request-id': 'log-check' },
    });
    const line = logger.entries().find((e) => e.requestId === 'log-check' && e.msg === 'request');
    expect(line).toMatchObject({ msg: 'request', method: 'GET', path: '/nope', status: 404, service: 'gateway' });
    expect(logger.lines.join('\n')).not.toMatch(/SECRETSECRET|eyJhbGciOiJIUzI1NiJ9\.eyJ/);
  });
});

describe('npm start with bad configuration', () => {
  it('exits non-zero listing every problem', async () => {
    const child = spawn('node_modules/.bin/tsx', ['main.ts'], {
      env: { PATH: process.env.PATH, GATEWAY_PORT: 'eighty', LOG_LEVEL: 'loud', DATABASE_URL: 'mysql://x', CORS_ORIGINS: 'x' },
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(1);
    expect(stderr).toContain('GATEWAY_PORT');
    expect(stderr).toContain('LOG_LEVEL');
    expect(stderr).toContain('DATABASE_URL: must be a postgres');
  });
});
