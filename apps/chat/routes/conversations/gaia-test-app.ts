import { OpenAPIHono } from '@hono/zod-openapi';
import { beforeEach } from 'vitest';
import type { Role } from '../../../../lib/auth/types.ts';
import type { Db } from '../../../../lib/db/types.ts';
import { gaiaRouter } from '../../../../lib/gaia/router.ts';
import type { AppEnv } from '../../../../lib/http/env.ts';
import { silentLogger } from '../../../../lib/logging/logger.ts';
import type { ChatDeps } from '../../deps.ts';
import type { ChatEngine } from '../../engine/engine.ts';
import type { ChatStore } from '../../store/store.ts';
import { useChatStore } from '../../store/test-support.ts';
import { registerPersonaRoutes } from '../personas/persona-routes.ts';
import { registerUsageRoutes } from '../usage/usage-routes.ts';
import { registerConversationRoutesV1, registerConversationRoutesV03 } from './conversation-routes.ts';

/** Test headers: who is calling (a user id) and with which roles (comma-separated; default `user`). */
export const TEST_USER_HEADER = 'x-test-user';
export const TEST_ROLES_HEADER = 'x-test-roles';

export interface GaiaTestApp {
  app: OpenAPIHono<AppEnv>;
  store: ChatStore;
  deps: ChatDeps;
  /** A request as `user` (with `roles`), JSON-encoding `json` when given. */
  call(
    method: string,
    path: string,
    options?: { user?: string; roles?: Role[]; json?: unknown; body?: string; headers?: Record<string, string> },
  ): Promise<Response>;
}

/**
 * The conversation, persona and usage routes on GAIA routers at `/api/v1` and `/api/v0.3`, over `store` (a fresh one
 * per test: see `useChatStore`); the principal comes from {@link TEST_USER_HEADER}. The engine is unused (it throws).
 * @example const t = gaiaTestApp(chat.store); const res = await t.call('GET', '/api/v1/conversations', { user });
 */
export function gaiaTestApp(store: ChatStore): GaiaTestApp {
  const engine: ChatEngine = {
    start() {
      throw new Error('the engine is not used by these routes');
    },
  };
  // Only store, logger and engine are used by these routes; the rest of ChatDeps is not needed.
  const deps = { store, engine, logger: silentLogger, models: () => [] } as unknown as ChatDeps;
  const app = new OpenAPIHono<AppEnv>();
  app.use(async function testPrincipal(c, next) {
    const user = c.req.header(TEST_USER_HEADER);
    if (user) {
      const roles = (c.req.header(TEST_ROLES_HEADER) ?? 'user').split(',').filter(Boolean) as Role[];
      c.set('principal', { userId: user, email: null, roles, authType: 'jwt' });
    }
    await next();
  });
  const v1 = gaiaRouter();
  registerConversationRoutesV1(v1, deps);
  registerPersonaRoutes(v1, deps);
  registerUsageRoutes(v1, deps);
  const v03 = gaiaRouter();
  registerConversationRoutesV03(v03, deps);
  app.route('/api/v1', v1);
  app.route('/api/v0.3', v03);

  return {
    app,
    store,
    deps,
    call(method, path, options = {}) {
      const headers: Record<string, string> = { ...options.headers };
      if (options.user) headers[TEST_USER_HEADER] = options.user;
      if (options.roles) headers[TEST_ROLES_HEADER] = options.roles.join(',');
      let body = options.body;
      if (options.json !== undefined) {
        body = JSON.stringify(options.json);
        headers['content-type'] ??= 'application/json';
      }
      return Promise.resolve(app.request(path, { method, headers, body }));
    },
  };
}

/** {@link GaiaTestApp} of the current test, plus the suite's database. */
export interface GaiaTestSuite extends GaiaTestApp {
  readonly db: Db;
}

/**
 * Registers the hooks of a GAIA routes suite: {@link useChatStore}, and a {@link gaiaTestApp} over each test's fresh
 * store. The returned object always stands for the current test's app. Call it inside a `describe`; use it only inside
 * tests and hooks.
 * @example
 * describe.each(dbBackends())('usage on $name', ({ create }) => {
 *   const t = useGaiaTestApp(create);
 *   it('answers', async () => { expect((await t.call('GET', '/api/v1/chat/usage', { user })).status).toBe(200); });
 * });
 */
export function useGaiaTestApp(create: () => Promise<Db>): GaiaTestSuite {
  const chat = useChatStore(create);
  let current: GaiaTestApp | undefined;
  beforeEach(() => {
    current = gaiaTestApp(chat.store);
  });
  const app = (): GaiaTestApp => {
    if (!current) throw new Error('the GAIA test app is only set inside tests and hooks (see useGaiaTestApp)');
    return current;
  };
  return {
    get db() {
      return chat.db;
    },
    get app() {
      return app().app;
    },
    get store() {
      return app().store;
    },
    get deps() {
      return app().deps;
    },
    call: (method, path, options) => app().call(method, path, options),
  };
}
