import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../logging/logger.ts';
import { serveNode } from './serve.ts';

describe('serveNode', () => {
  it('drains an in-flight request on close, then refuses new connections', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let entered!: () => void;
    const inside = new Promise<void>((r) => (entered = r));
    const app = new Hono();
    app.get('/slow', async (c) => {
      entered();
      await gate;
      return c.text('finished');
    });
    const server = await serveNode({ name: 'test', fetch: app.fetch, port: 0, host: '127.0.0.1', logger: createMemoryLogger() });
    const inFlight = fetch(`${server.url}/slow`);
    await inside;
    const closed = server.close(5_000);
    release();
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('finished');
    await closed;
    await expect(fetch(`${server.url}/slow`)).rejects.toThrow();
  });

  it('cuts connections still open when the shutdown timeout passes', async () => {
    const app = new Hono();
    app.get('/hang', () => new Promise<Response>(() => {}));
    const logger = createMemoryLogger();
    const server = await serveNode({ name: 'test', fetch: app.fetch, port: 0, host: '127.0.0.1', logger });
    const hanging = fetch(`${server.url}/hang`).catch((err: unknown) => err);
    await new Promise((r) => setTimeout(r, 50));
    await server.close(100);
    expect(await hanging).toBeInstanceOf(Error);
    expect(logger.entries().some((e) => e.msg === 'shutdown timeout reached, closing open connections')).toBe(true);
  });

  it('says which port is taken', async () => {
    const app = new Hono();
    const logger = createMemoryLogger();
    const first = await serveNode({ name: 'one', fetch: app.fetch, port: 0, host: '127.0.0.1', logger });
    await expect(serveNode({ name: 'two', fetch: app.fetch, port: first.port, host: '127.0.0.1', logger })).rejects.toThrow(
      `two: port ${first.port} is already in use`,
    );
    await first.close(1_000);
  });
});
