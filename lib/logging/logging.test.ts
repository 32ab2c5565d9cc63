import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { accessLog } from './access-log.ts';
import { createLogger, createMemoryLogger } from './logger.ts';
import { redact } from './redact.ts';

const jwt = 'eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJl';

describe('redact', () => {
  it('masks values under secret keys at any depth', () => {
    const out = redact({
      headers: { Authorization: 'Bearer abc', cookie: 's=1', 'x-api-key': 'k', accept: 'json' },
      user: { password: 'hunter2', email: 'a@b.c' },
      refresh_token: 'r',
      OPENAI_API_KEY: 'sk-123',
      list: [{ client_secret: 'x' }],
    });
    expect(out).toEqual({
      headers: { Authorization: '[REDACTED]', cookie: '[REDACTED]', 'x-api-key': '[REDACTED]', accept: 'json' },
      user: { password: '[REDACTED]', email: 'a@b.c' },
      refresh_token: '[REDACTED]',
      OPENAI_API_KEY: '[REDACTED]',
      list: [{ client_secret: '[REDACTED]' }],
    });
  });

  it('masks secrets embedded in free text', () => {
    const text = redact(
      `auth failed for Bearer ${jwt} with key gaia_live_AbCdEfGh12345678 on postgres://gaia:s3cret@db:5432/x, token ${jwt}`,
    ) as string;
    expect(text).not.toContain(jwt);
    expect(text).not.toContain('gaia_live_AbCdEfGh12345678');
    expect(text).not.toContain('s3cret');
    expect(text).toContain('postgres://gaia:[REDACTED]@db:5432/x');
  });
});

describe('createLogger', () => {
  it('writes one JSON line per entry with level, message and fields, honouring the level', () => {
    const lines: string[] = [];
    const log = createLogger({ level: 'info', sink: (l) => lines.push(l), fields: { service: 'test' } });
    log.debug('hidden');
    log.child({ requestId: 'r1' }).info('hello', { password: 'pw', n: 1 });
    expect(lines).toHaveLength(1);
    const entry = JSON.parse(lines[0]!);
    expect(entry).toMatchObject({ level: 'info', msg: 'hello', service: 'test', requestId: 'r1', password: '[REDACTED]', n: 1 });
    expect(typeof entry.time).toBe('string');
  });
});

describe('accessLog', () => {
  it('logs method, path, status and duration but never the query string or credentials', async () => {
    const logger = createMemoryLogger();
    const app = new Hono();
    app.use(accessLog({ logger }));
    app.get('/x', (c) => c.text('ok'));
    await app.request(`/x?access_token=${jwt}`, { headers: { authorization: `Bearer ${jwt}` } });
    expect(logger.lines).toHaveLength(1);
    expect(logger.lines[0]).not.toContain(jwt);
    expect(logger.entries()[0]).toMatchObject({ msg: 'request', method: 'GET', path: '/x', status: 200 });
    expect(typeof logger.entries()[0]!.durationMs).toBe('number');
  });

  it('logs a bug (500) at error, a dependency that is down or not ready (502-504) at warn, the rest at info', async () => {
    const logger = createMemoryLogger();
    const app = new Hono();
    app.use(accessLog({ logger }));
    app.get('/status/:code', (c) => c.body(null, Number(c.req.param('code')) as 200));
    for (const code of [200, 404, 500, 502, 503, 504]) await app.request(`/status/${code}`);
    expect(logger.entries().map((e) => [e.status, e.level])).toEqual([
      [200, 'info'],
      [404, 'info'],
      [500, 'error'],
      [502, 'warn'],
      [503, 'warn'],
      [504, 'warn'],
    ]);
  });
});
