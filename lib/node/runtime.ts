import { createDb } from '../db/create-db.ts';
import type { Db } from '../db/types.ts';
import { createKv } from '../kv/create-kv.ts';
import type { Kv } from '../kv/types.ts';
import { createLogger, type Logger, type LogLevel } from '../logging/logger.ts';
import { Readiness } from '../readiness/readiness.ts';
import { createStdoutSink } from './stdout-sink.ts';

export interface BackendConfig {
  LOG_LEVEL: LogLevel;
  DATA_DIR: string;
  DATABASE_URL?: string | undefined;
  DATABASE_POOL_MAX: number;
  REDIS_URL?: string | undefined;
  UPSTASH_REDIS_REST_URL?: string | undefined;
  UPSTASH_REDIS_REST_TOKEN?: string | undefined;
}

export interface Backends {
  db: Db;
  kv: Kv;
  /** For the banner and health output: which adapters are in use (never the URLs' secrets). */
  describe: { database: 'postgresql' | 'pglite (embedded)'; kv: 'redis' | 'upstash' | 'memory (embedded)' };
}

/** The process logger for a service: one JSON line per entry on stdout, written in batches. */
export function processLogger(service: string, level: LogLevel): Logger {
  return createLogger({ level, fields: { service }, sink: createStdoutSink() });
}

/**
 * Builds the database and KV adapters a config asks for: PostgreSQL/Redis/Upstash when their URLs are set,
 * else the embedded defaults (PGlite under `DATA_DIR`, in-memory KV). Connections are lazy: an unreachable
 * server shows up in `/ready`, not as a crash.
 */
export async function createBackends(config: BackendConfig, logger: Logger): Promise<Backends> {
  const db = await createDb({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR, max: config.DATABASE_POOL_MAX });
  const upstash =
    config.UPSTASH_REDIS_REST_URL && config.UPSTASH_REDIS_REST_TOKEN
      ? { url: config.UPSTASH_REDIS_REST_URL, token: config.UPSTASH_REDIS_REST_TOKEN }
      : undefined;
  const kv = createKv({ redisUrl: config.REDIS_URL, upstash, logger });
  return {
    db,
    kv,
    describe: {
      database: db.kind === 'postgres' ? 'postgresql' : 'pglite (embedded)',
      kv: kv.kind === 'memory' ? 'memory (embedded)' : kv.kind,
    },
  };
}

/** Registers the KV with readiness when it is a network service (the in-memory one is always ready). */
export function watchKv(readiness: Readiness, kv: Kv): void {
  if (kv.kind !== 'memory') readiness.watch(kv.kind, () => kv.ping());
}

export { Readiness };
