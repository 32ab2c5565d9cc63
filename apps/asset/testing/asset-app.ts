import { rmSync } from 'node:fs';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { createInternalTokenVerifier } from '../../../lib/auth/internal-token.ts';
import { generateSigningKey, type SigningKey } from '../../../lib/auth/signing-keys.ts';
import type { Principal, Role } from '../../../lib/auth/types.ts';
import { createPgliteDb } from '../../../lib/db/pglite.ts';
import type { Db } from '../../../lib/db/types.ts';
import type { AppEnv } from '../../../lib/http/env.ts';
import { createMemoryKv } from '../../../lib/kv/memory.ts';
import type { Kv } from '../../../lib/kv/types.ts';
import { createMemoryLogger } from '../../../lib/logging/logger.ts';
import type { Embedder } from '../../../lib/openai/embeddings.ts';
import { Readiness } from '../../../lib/readiness/readiness.ts';
import { eventually } from '../../../lib/testing/async.ts';
import { dropSchema, uniqueSchema } from '../../../lib/testing/db.ts';
import { type InternalCaller, internalCaller } from '../../../lib/testing/internal-caller.ts';
import { createApp } from '../app.ts';
import { type AssetDeps, createAssetDeps, startAsset } from '../deps.ts';
import { type ProviderCatalog, staticCatalog } from '../domain/providers.ts';
import type { QueueSettings } from '../jobs/queue.ts';
import type { AssetProvider } from '../providers/types.ts';
import type { AssetBehaviour, PreviewMaker } from '../service/core.ts';
import type { JobView } from '../views/job-view.ts';
import { testAssetSettings } from './settings.ts';

/** What several asset instances of one test share: the database (our schema and pg-boss's), the KV, the files. */
export interface SharedAssetBackend {
  db: Db;
  kv: Kv;
  schema: string;
  queueSchema: string;
  dir: string;
  key: SigningKey;
  close(): Promise<void>;
}

/**
 * A database (in-memory PGlite unless given), a KV (memory unless given) and unique schemas, for one or more asset
 * instances; `close()` drops the schemas and closes what it opened.
 * @example const shared = await sharedAssetBackend(); const a = await createAssetTestApp({ shared }); const b = await createAssetTestApp({ shared });
 */
export async function sharedAssetBackend(options: { db?: Db; kv?: Kv } = {}): Promise<SharedAssetBackend> {
  const db = options.db ?? (await createPgliteDb());
  const kv = options.kv ?? createMemoryKv();
  const schema = uniqueSchema('asset_t');
  const queueSchema = uniqueSchema('asset_q');
  const dir = testAssetSettings().storage.dir;
  const key = await generateSigningKey('asset-test');
  return {
    db,
    kv,
    schema,
    queueSchema,
    dir,
    key,
    async close() {
      await dropSchema(db, schema).catch(() => undefined);
      await dropSchema(db, queueSchema).catch(() => undefined);
      if (!options.db) await db.close();
      if (!options.kv) await kv.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A Db that can be cut off: after `sever()` every call stays pending forever, as for a process that was killed —
 * nothing it sends reaches the database, and no error lets it react (pg-boss's own completion writes included).
 */
export function severableDb(db: Db): Db & { sever(): void } {
  let severed = false;
  const never = new Promise<never>(() => {});
  const guard = <T>(work: () => Promise<T>): Promise<T> => (severed ? never : work());
  return {
    kind: db.kind,
    query: (sql, params) => guard(() => db.query(sql, params)),
    exec: (sql) => guard(() => db.exec(sql)),
    transaction: (fn) => guard(() => db.transaction(fn)),
    ping: () => guard(() => db.ping()),
    close: async () => {},
    sever() {
      severed = true;
    },
  };
}

export interface AssetTestApp extends InternalCaller {
  app: OpenAPIHono<AppEnv>;
  deps: AssetDeps;
  logger: ReturnType<typeof createMemoryLogger>;
  /** Graceful stop (workers drain), then the shared backend closes unless it was given. */
  close(): Promise<void>;
  /** Like `kill -9`: the instance loses its database at once; nothing it does afterwards is written. */
  kill(): Promise<void>;
}

export interface AssetTestAppOptions {
  shared?: SharedAssetBackend;
  /** This instance's own KV (e.g. its own Redis connection, as a separate process has); default the shared one. */
  kv?: Kv;
  providers?: AssetProvider[] | ProviderCatalog;
  /** Behaviour overrides; `queue` may be partial (its schema is always the shared one). */
  behaviour?: Partial<Omit<AssetBehaviour, 'queue'>> & { queue?: Partial<QueueSettings> };
  previews?: PreviewMaker;
  /** Embeddings for reuse by meaning (e.g. over the fake embeddings server). */
  embedder?: Embedder;
  now?: () => Date;
  /** Wait for the queue to be started (default true). */
  started?: boolean;
}

/** A test user principal with `roles` (default `user`). */
export function assetUser(roles: Role[] = ['user'], userId: string = crypto.randomUUID()): Principal {
  return { userId, email: `${userId.slice(0, 8)}@example.com`, roles, authType: 'jwt' };
}

/**
 * The asset service alone (one instance) on test backends, called with internal tokens as the gateway sends them.
 * Give several the same `shared` backend to run a cluster.
 * @example const t = await createAssetTestApp({ providers: [createTestProvider()] }); await t.call(assetUser(), 'POST', '/api/v1/assets/jobs', body);
 */
export async function createAssetTestApp(options: AssetTestAppOptions = {}): Promise<AssetTestApp> {
  const shared = options.shared ?? (await sharedAssetBackend());
  const logger = createMemoryLogger();
  const readiness = new Readiness(logger);
  const db = severableDb(shared.db);
  const { queue, ...behaviour } = options.behaviour ?? {};
  const settings = testAssetSettings(behaviour, shared.dir);
  settings.behaviour.queue = { ...settings.behaviour.queue, ...queue, schema: shared.queueSchema };
  const providers = Array.isArray(options.providers) ? staticCatalog(options.providers) : options.providers;
  const deps = createAssetDeps({
    logger,
    readiness,
    db,
    kv: options.kv ?? shared.kv,
    internalVerifier: createInternalTokenVerifier({ audience: 'asset', jwks: { keys: [shared.key.publicJwk] } }),
    settings,
    schema: shared.schema,
    ...(providers ? { providers } : {}),
    ...(options.previews ? { previews: options.previews } : {}),
    ...(options.embedder ? { embedder: options.embedder } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  const app = createApp(deps);
  const starting = startAsset(deps);
  if (options.started !== false) await starting;
  let closed = false;
  return {
    app,
    deps,
    logger,
    ...internalCaller(app, shared.key, 'asset'),
    async close() {
      if (closed) return;
      closed = true;
      readiness.stop();
      await deps.close(2_000);
      if (!options.shared) await shared.close();
    },
    async kill() {
      closed = true;
      db.sever();
      readiness.stop();
      // Its runs stop (their writes hang); its workers stop polling. Nothing of this ever completes.
      deps.core.running.stopAll('shutdown');
      await deps.core.running.close();
      void deps.close(1_000);
    },
  };
}

/**
 * Polls the native jobs API as `who` until the job has succeeded or failed (at most `timeoutMs`), and answers it.
 * @example const job = await settledJob(t, owner, created.id);
 */
export async function settledJob(t: InternalCaller, who: Principal, id: string, timeoutMs = 10_000): Promise<JobView> {
  let job: JobView | undefined;
  await eventually(async () => {
    job = (await (await t.call(who, 'GET', `/api/v1/assets/jobs/${id}`)).json()) as JobView;
    return job.state === 'succeeded' || job.state === 'failed';
  }, timeoutMs);
  return job as JobView;
}
