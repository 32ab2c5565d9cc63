import type { InternalTokenVerifier } from '../../lib/auth/internal-token.ts';
import type { Kv } from '../../lib/kv/types.ts';
import { type SqlServiceDeps, startSchema } from '../../lib/platform/sql-schema.ts';
import type { TeamDirectory } from './access/teams.ts';
import type { KbSettings } from './config.ts';
import { kbMigrationsFor } from './db/migrations.ts';
import type { KbOps } from './docs/operations.ts';
import { KnowledgeBase } from './knowledge-base.ts';
import { createOpenAiEmbedder } from '../../lib/openai/embeddings.ts';
import type { Embedder } from './search/types.ts';

/** What the kb service needs; built once per process by an entry file (Node alone, all-in-one, tests). */
export interface KbDeps extends SqlServiceDeps {
  kv: Kv;
  /** Verifies the gateway's internal identity tokens (audience `kb`); see `internalVerifierFor`. */
  internalVerifier: InternalTokenVerifier;
  /** Team memberships, for `teams/<id>/` folders. */
  teams: TeamDirectory;
  settings: KbSettings;
  /** SQL schema of the index: `kb` (tests may use their own). */
  schema: string;
  kb: KnowledgeBase;
  ops: KbOps;
}

export interface KbDepsInput extends SqlServiceDeps {
  kv: Kv;
  internalVerifier: InternalTokenVerifier;
  teams: TeamDirectory;
  settings: KbSettings;
  fs: typeof import('node:fs');
  schema?: string;
  /** Default: from `settings.embeddings` (none when unset). */
  embedder?: Embedder;
}

/**
 * Wires the knowledge base (repository, sync, index) and the operations the routes and MCP tools share.
 * @example const deps = createKbDeps({ ...base, teams, settings: kbSettings(config, config.DATA_DIR), fs });
 */
export function createKbDeps(input: KbDepsInput): KbDeps {
  const { fs, embedder: given, ...rest } = input;
  const schema = input.schema ?? 'kb';
  const embeddings = input.settings.embeddings;
  const embedder = given ?? (embeddings ? createOpenAiEmbedder({ ...embeddings, timeoutMs: 30_000 }) : undefined);
  const kb = new KnowledgeBase({
    db: input.db,
    schema,
    logger: input.logger,
    fs,
    settings: input.settings,
    ...(embedder ? { embedder } : {}),
  });
  const ops: KbOps = { kb, db: input.db, schema, maxFileBytes: input.settings.maxFileBytes, ...(embedder ? { embedder } : {}) };
  return { ...rest, schema, kb, ops };
}

/**
 * Background start-up: the schema's migrations, then the repository (clone or init, then index). `/ready` is 503
 * until both are done; routes that need the repository answer 503 `KB_NOT_READY` meanwhile.
 */
export async function startKb(deps: KbDeps): Promise<void> {
  deps.readiness.pending('repository');
  await startSchema(deps, deps.schema, kbMigrationsFor(deps.schema));
  await deps.readiness.start('repository', () => deps.kb.open(), { maxDelayMs: 30_000 });
}
