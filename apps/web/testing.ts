import type { OpenAPIHono } from '@hono/zod-openapi';
import { Hono } from 'hono';
import { SignJWT } from 'jose';
import type { AppEnv } from '../../lib/http/env.ts';
import { createMemoryLogger } from '../../lib/logging/logger.ts';
import { Readiness } from '../../lib/readiness/readiness.ts';
import { createApp } from './app.ts';
import { webStaticAssets } from './static-assets.ts';

/** Test-only: the web app over a fake gateway (a Hono app the test fills with the routes it needs). */

export const ORIGIN = 'http://localhost';
export const USER = { id: '4f1c2a8e-0000-4000-8000-000000000001', email: 'ada@example.com' };
export const PASSWORD = 'correct horse battery staple';

/** A JWT-shaped access token, so tests can check it never shows in the cookie. */
export async function accessToken(sub = USER.id): Promise<string> {
  return new SignJWT({ email: USER.email, role: 'authenticated' })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime('15m')
    .sign(new TextEncoder().encode('test-secret-test-secret-test-secret'));
}

/** The gateway's session body, expiring `expiresIn` seconds from now. */
export async function gatewaySession(expiresIn = 900, refreshToken = `rt-${crypto.randomUUID()}`) {
  const token = await accessToken();
  return { access_token: token, refresh_token: refreshToken, token_type: 'bearer', expires_in: expiresIn, user: { ...USER, aud: 'authenticated' } };
}

export interface WebTestApp {
  app: OpenAPIHono<AppEnv>;
  gateway: Hono;
  /** Every request the web app sent the gateway, as `METHOD /path`. */
  calls: string[];
}

/**
 * The web app whose gateway is `gateway` (add routes to it in the test); a login with {@link USER}/{@link PASSWORD}
 * answers a session expiring in `expiresIn` seconds.
 * @example const { app, gateway } = webTestApp(); gateway.get('/api/v1/models', (c) => c.json({ models: [] }));
 */
export function webTestApp(options: { expiresIn?: number } = {}): WebTestApp {
  const gateway = new Hono();
  const calls: string[] = [];
  gateway.use(async (c, next) => {
    calls.push(`${c.req.method} ${c.req.path}`);
    await next();
  });
  gateway.post('/api/v1/auth/login', async (c) => {
    const body = await c.req.json<{ email: string; password: string }>();
    if (body.email !== USER.email || body.password !== PASSWORD) return c.json({ detail: 'Login failed: Invalid login credentials' }, 400);
    return c.json(await gatewaySession(options.expiresIn));
  });
  const logger = createMemoryLogger('warn');
  const app = createApp({
    logger,
    readiness: new Readiness(logger),
    gateway: async (request) => gateway.fetch(request),
    publicGatewayUrl: 'http://localhost:8666',
    staticAssets: webStaticAssets(),
  });
  return { app, gateway, calls };
}

/** A same-origin form post, as a browser sends it. */
export function formPost(fields: Record<string, string>, headers: Record<string, string> = {}): RequestInit {
  return {
    method: 'POST',
    headers: { origin: ORIGIN, 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields).toString(),
  };
}

/** The `name=value` of a response's session cookie, for the next request's `Cookie` header. */
export function sessionCookieOf(res: Response): string {
  const header = res.headers.getSetCookie().find((c) => c.startsWith('gaia_session='));
  if (!header) throw new Error('no session cookie set');
  return header.split(';')[0]!;
}

/** Signs in through `POST /login`; answers the cookie to send. */
export async function signIn(app: OpenAPIHono<AppEnv>): Promise<string> {
  const res = await app.request('/login', formPost({ email: USER.email, password: PASSWORD, next: '/chat' }));
  if (res.status !== 303) throw new Error(`sign-in failed: ${res.status}`);
  return sessionCookieOf(res);
}
