import * as fs from 'node:fs';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { createInternalTokenVerifier } from '../../../lib/auth/internal-token.ts';
import { generateSigningKey } from '../../../lib/auth/signing-keys.ts';
import type { Principal, Role } from '../../../lib/auth/types.ts';
import type { Db } from '../../../lib/db/types.ts';
import type { AppEnv } from '../../../lib/http/env.ts';
import { createTestRuntime, type TestRuntime } from '../../../lib/testing/harness.ts';
import { dropSchema, uniqueSchema } from '../../../lib/testing/db.ts';
import { type InternalCaller, internalCaller } from '../../../lib/testing/internal-caller.ts';
import { staticTeamDirectory, type TeamDirectory } from '../access/teams.ts';
import { createApp } from '../app.ts';
import type { KbSettings } from '../config.ts';
import { createKbDeps, type KbDeps, startKb } from '../deps.ts';
import type { Embedder } from '../search/types.ts';
import { testKbSettings } from './settings.ts';

export interface KbTestApp extends InternalCaller {
  app: OpenAPIHono<AppEnv>;
  deps: KbDeps;
  runtime: TestRuntime;
  /** Stops the app; `keepRepo` leaves the clone on disk (to start another app on it, as after a restart). */
  close(options?: { keepRepo?: boolean }): Promise<void>;
}

export interface KbTestAppOptions {
  /** Default: in-memory PGlite. A PostgreSQL Db gets a unique schema, dropped on close. */
  db?: Db;
  settings?: Partial<KbSettings>;
  teams?: TeamDirectory;
  embedder?: Embedder;
  /** Wait for the repository to be open and indexed (default true). */
  started?: boolean;
  /** Index schema (default `kb` on PGlite, a unique one on PostgreSQL, dropped on close unless given). */
  schema?: string;
}

/** A test user principal with `roles` (a fresh id unless given). */
export function kbUser(roles: Role[], userId: string = crypto.randomUUID()): Principal {
  return { userId, email: `${userId.slice(0, 8)}@example.com`, roles, authType: 'jwt' };
}

/**
 * The kb service alone on a test runtime, called with internal tokens as the gateway would send them.
 * @example const t = await createKbTestApp(); const res = await t.call(kbUser(['user']), 'GET', '/api/v1/kb/tree');
 */
export async function createKbTestApp(options: KbTestAppOptions = {}): Promise<KbTestApp> {
  const runtime = await createTestRuntime(options.db ? { db: options.db } : {});
  const key = await generateSigningKey('kb-test');
  const schema = options.schema ?? (runtime.db.kind === 'postgres' ? uniqueSchema('kb_t') : 'kb');
  const deps = createKbDeps({
    logger: runtime.logger,
    readiness: runtime.readiness,
    db: runtime.db,
    kv: runtime.kv,
    internalVerifier: createInternalTokenVerifier({ audience: 'kb', jwks: { keys: [key.publicJwk] } }),
    teams: options.teams ?? staticTeamDirectory({}),
    settings: testKbSettings(options.settings),
    fs,
    schema,
    ...(options.embedder ? { embedder: options.embedder } : {}),
  });
  const app = createApp(deps);
  const starting = startKb(deps);
  if (options.started !== false) await starting;
  return {
    app,
    deps,
    runtime,
    ...internalCaller(app, key, 'kb'),
    async close({ keepRepo = false } = {}) {
      deps.kb.stop();
      if (runtime.db.kind === 'postgres' && !options.schema) await dropSchema(runtime.db, schema);
      await runtime.close();
      if (!keepRepo) fs.rmSync(deps.settings.dir.replace(/\/repo$/, ''), { recursive: true, force: true });
    },
  };
}
