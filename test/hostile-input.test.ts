import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlatformApps } from '../all-in-one/build.ts';
import { buildTestPlatform } from '../all-in-one/testing.ts';
import { wireFormat } from '../apps/gateway/auth/paths.ts';
import { INTERNAL_TOKEN_HEADER, signInternalToken } from '../lib/auth/internal-token.ts';
import { generateSigningKey, type SigningKey } from '../lib/auth/signing-keys.ts';
import { GATEWAY_SERVICE_PRINCIPAL } from '../lib/auth/types.ts';
import { createPostgresDb } from '../lib/db/postgres.ts';
import type { Db } from '../lib/db/types.ts';
import { ErrorEnvelopeSchema } from '../lib/errors/envelope.ts';
import { OpenAiErrorSchema } from '../lib/openai/errors.ts';
import { createFreshDatabase, dbBackends } from '../lib/testing/db.ts';
import { createTestRuntime, type TestRuntime } from '../lib/testing/harness.ts';
import { type Baseline, type HostileRequest, hostileRequests, ONE_MB, type OpenApiDocument, type Operation } from './support/hostile-requests.ts';

/**
 * Hostile input at every route of every service (read from their OpenAPI documents, so a route added later is covered
 * without touching this file), sent through the gateway with valid credentials — a registered user's token, or an
 * admin's where the user is refused — so the routes' own validation is what answers; the auth service's
 * `/internal/*` routes, which the gateway does not serve, are called directly as the gateway.
 *
 * Each field of a route (every body field, nested ones included, every query, path and header parameter) gets one
 * request per hostile value — NUL, lone surrogates, a 1 MB string, invalid UTF-8, numbers as strings, arrays for
 * objects, `null`, 100 000 levels of nesting, a `__proto__` object — with every other field valid; each body also gets
 * whole-body variants (empty, wrong JSON type, wrong or missing content type, invalid UTF-8, deep nesting, a NUL key,
 * `__proto__` / `constructor.prototype` members). Every answer must be below 500 and, when it is an error, in the
 * route's format: `{"error":{code,message,requestId}}` on our routes, `{"detail": ...}` (or `{"error": "..."}`
 * on `/api/v0.3/chat`) on GAIA's.
 *
 * It runs on the embedded PGlite and, when `DATABASE_URL` is set, on PostgreSQL in a scratch database: PostgreSQL is
 * the run that matters, since PGlite accepts some text (e.g. `\u0000` in jsonb) that PostgreSQL rejects.
 */

interface Route {
  method: string;
  template: string;
  operation: Operation;
  doc: OpenApiDocument;
  /** Sent to the auth service directly with the gateway's service identity, not through the gateway. */
  internal: boolean;
}

const backends = dbBackends();

describe.each(backends)('hostile input on every route ($name)', ({ name, create }) => {
  let db: Db;
  let dropDatabase: (() => Promise<void>) | undefined;
  let runtime: TestRuntime;
  let platform: PlatformApps;
  let internalKey: SigningKey;
  const routes: Route[] = [];
  const user = { email: `hostile-${crypto.randomUUID()}@example.com`, password: 'hostile password 1', id: '', token: '' };
  const admin = { email: `hostile-admin-${crypto.randomUUID()}@example.com`, password: 'hostile password 2', id: '', token: '' };
  const fixtures = { conversation: '', persona: '', apiKeyId: '', apiKey: '', team: '', refreshToken: '' };
  const kbPath = () => `users/${user.id}/hostile.md`;

  const json = (body: unknown, token?: string): RequestInit => ({
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const gateway = (path: string, init?: RequestInit) => platform.gateway.request(path, init);

  async function signIn(account: typeof user): Promise<void> {
    const res = await gateway('/api/v1/auth/login', json({ email: account.email, password: account.password }));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { access_token: string; refresh_token: string; user: { id: string } };
    account.token = body.access_token;
    account.id = body.user.id;
    if (account === user) fixtures.refreshToken = body.refresh_token;
  }

  beforeAll(async () => {
    if (name === 'postgres') {
      const fresh = await createFreshDatabase(process.env.DATABASE_URL as string, 'gaia_hostile');
      db = createPostgresDb(fresh.url, { max: 4, connectTimeoutS: 5 });
      dropDatabase = fresh.drop;
    } else {
      db = await create();
    }
    runtime = await createTestRuntime({ db });
    internalKey = await generateSigningKey('hostile-gateway');
    platform = await buildTestPlatform(runtime, {
      internalKey,
      gateway: {
        corsOrigins: ['http://localhost:8080'],
        // Room for the 1 MB strings (and their JSON escapes) to reach the services.
        bodyLimitBytes: 8 * ONE_MB,
        upstreamTimeoutMs: 30_000,
        healthTimeoutMs: 500,
        rateLimits: { perMinute: 1e9, anonPerMinute: 1e9, loginPerMinute: 1e9 },
      },
    });
    await platform.started;

    for (const account of [user, admin]) {
      const res = await gateway('/api/v1/auth/register', json({ email: account.email, password: account.password }));
      expect(res.status).toBe(200);
    }
    await signIn(admin);
    await db.query(`insert into auth.user_roles (user_id, role) values ($1, 'super_admin')`, [admin.id]);
    await signIn(admin);
    await signIn(user);

    const created = async (path: string, body: unknown, token: string) => {
      const res = await gateway(path, json(body, token));
      expect(res.status, path).toBeLessThan(300);
      return (await res.json()) as Record<string, unknown>;
    };
    fixtures.conversation = String((await created('/api/v1/conversations', { title: 'hostile' }, user.token)).id);
    fixtures.persona = String(((await created('/api/v1/chat/personas', { name: 'Hostile', description: 'd', system_prompt: 's' }, user.token)).persona as { id: string }).id);
    const key = await created('/api/v1/auth/api-keys', { name: 'hostile' }, user.token);
    fixtures.apiKeyId = String(key.id);
    fixtures.apiKey = String(key.key);
    fixtures.team = String((await created('/api/v1/auth/teams', { name: 'hostile' }, admin.token)).id);

    const gatewayDoc = (await (await gateway('/openapi.json')).json()) as OpenApiDocument;
    const authDoc = (await (await platform.services.auth.request('/openapi.json')).json()) as OpenApiDocument;
    const add = (doc: OpenApiDocument, internal: boolean, only?: (path: string) => boolean) => {
      for (const [template, item] of Object.entries(doc.paths)) {
        if (only && !only(template)) continue;
        for (const [method, operation] of Object.entries(item)) routes.push({ method, template, operation, doc, internal });
      }
    };
    add(gatewayDoc, false);
    add(authDoc, true, (path) => path.startsWith('/internal/'));
    // Deletions last, so the fixtures live until then.
    routes.sort((a, b) => Number(a.method === 'delete') - Number(b.method === 'delete'));
  }, 120_000);

  afterAll(async () => {
    platform?.stop();
    await runtime?.close();
    await db?.close();
    await dropDatabase?.();
  });

  /** Real ids and writable paths for the parameters and body fields a made-up value would not get past. */
  function baselineFor(route: Route): Baseline {
    const { template } = route;
    const id = template.includes('/conversations/')
      ? fixtures.conversation
      : template.includes('/personas/')
        ? fixtures.persona
        : template.includes('/api-keys/')
          ? fixtures.apiKeyId
          : template.includes('/teams/')
            ? fixtures.team
            : user.id;
    const body: Record<string, unknown> = {};
    if (/\/auth\/(login|register)$/.test(template)) Object.assign(body, { email: user.email, password: user.password });
    if (/\/auth\/(refresh|logout)$/.test(template)) body.refresh_token = fixtures.refreshToken;
    if (template === '/api/v1/kb/move') Object.assign(body, { from: kbPath(), to: `users/${user.id}/moved.md` });
    if (template === '/api/v0.3/chat' || template === '/api/v1/chat') body.message = 'hello';
    if (template === '/api/v1/auth/admin/users/{id}/roles') body.roles = ['user'];
    if (template === '/api/v1/kb/mcp') {
      Object.assign(body, { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'write', arguments: { path: kbPath(), content: 'x', query: 'x' } } });
    }
    return {
      params: { id, user_id: user.id, path: kbPath() },
      query: { q: 'hostile' },
      headers: { 'x-api-key': fixtures.apiKey },
      body,
    };
  }

  async function send(route: Route, request: HostileRequest, token: string): Promise<Response> {
    // Streamable routes (MCP) refuse callers that do not accept both JSON and SSE.
    const streams = Object.values(route.operation.responses ?? {}).some((r) => r.content?.['text/event-stream']);
    const accept: Record<string, string> = streams ? { accept: 'application/json, text/event-stream' } : {};
    const init: RequestInit = { method: route.method.toUpperCase(), headers: { ...accept, ...request.headers } };
    if (request.body !== undefined) init.body = request.body as BodyInit;
    if (!route.internal) {
      (init.headers as Record<string, string>).authorization = `Bearer ${token}`;
      return gateway(request.path, init);
    }
    const identity = await signInternalToken(internalKey, GATEWAY_SERVICE_PRINCIPAL, { audience: 'auth' });
    (init.headers as Record<string, string>)[INTERNAL_TOKEN_HEADER] = identity;
    return platform.services.auth.request(request.path, init);
  }

  /** Why an error response is not in the route's format, or undefined when it is. */
  function formatProblem(route: Route, text: string): string | undefined {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return 'not JSON';
    }
    // MCP speaks JSON-RPC 2.0: its protocol errors are JSON-RPC error objects.
    const rpc = body as { jsonrpc?: unknown; error?: { code?: unknown; message?: unknown } };
    if (route.template.endsWith('/mcp') && rpc.jsonrpc === '2.0' && typeof rpc.error?.code === 'number' && typeof rpc.error.message === 'string') return undefined;
    // The OpenAI-compatible routes answer as OpenAI does, so OpenAI's SDKs raise their own errors.
    const format = route.internal ? 'envelope' : wireFormat(route.template, route.method);
    if (format === 'openai') return OpenAiErrorSchema.safeParse(body).success ? undefined : "not OpenAI's error shape";
    const gaia = format === 'gaia';
    if (!gaia) return ErrorEnvelopeSchema.safeParse(body).success ? undefined : 'not the error envelope';
    const { detail, error } = body as { detail?: unknown; error?: unknown };
    if (typeof detail === 'string') return undefined;
    if (Array.isArray(detail) && detail.every((d) => typeof d?.msg === 'string' && Array.isArray(d?.loc))) return undefined;
    if (route.template === '/api/v0.3/chat' && typeof error === 'string') return undefined;
    return 'not GAIA\'s {"detail": ...}';
  }

  it('never answers 5xx, and answers errors in the route\'s format', async () => {
    const started = performance.now();
    const findings: string[] = [];
    let sent = 0;
    let refused = 0;
    for (const route of routes) {
      const baseline = baselineFor(route);
      // The KB document the kb routes read, write and move is (re)written before each of them.
      if (route.template.startsWith('/api/v1/kb/')) {
        const put = await gateway(`/api/v1/kb/documents/${kbPath()}`, { ...json({ content: '# Hostile\n\ntext' }, user.token), method: 'PUT' });
        expect(put.status).toBeLessThan(300);
      }
      const requests = hostileRequests(route.template, route.method, route.operation, route.doc, baseline);
      if (requests.length === 0) continue;
      // An admin only where the user is refused.
      let token = user.token;
      const probe = await send(route, requests[0] as HostileRequest, token);
      if (probe.status === 403) token = admin.token;
      await probe.body?.cancel();
      for (const request of requests) {
        const where = `${route.method.toUpperCase()} ${route.template} — ${request.label}`;
        const res = await send(route, request, token);
        sent++;
        const text = await res.text();
        const problem =
          res.status >= 500
            ? 'a 5xx'
            : request.refuse && res.status !== 400
              ? 'not refused with 400'
              : res.status >= 400
                ? formatProblem(route, text)
                : undefined;
        if (problem) findings.push(`${where}: ${problem} — ${res.status} ${text.slice(0, 200)}`);
        else if (request.refuse) refused++;
      }
      // Logging out, or presenting a rotated refresh token again, ends the session: sign in anew for the next route.
      if (/\/auth\/(logout|refresh)$/.test(route.template)) {
        await signIn(user);
        await signIn(admin);
      }
    }
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.info(`hostile input (${name}): ${sent} requests over ${routes.length} routes in ${seconds} s, ${findings.length} findings`);
    expect(routes.length).toBeGreaterThan(60);
    // The credentials worked: the routes' own validation answered these, not the gateway's 401.
    expect(refused).toBeGreaterThan(500);
    expect(findings).toEqual([]);
  }, 300_000);

  it('logged no unhandled error', () => {
    const unhandled = runtime.logger.entries().filter((e) => e.msg === 'unhandled error');
    expect(unhandled.map((e) => String((e.err as { message?: string } | undefined)?.message ?? e.err))).toEqual([]);
  });
});
