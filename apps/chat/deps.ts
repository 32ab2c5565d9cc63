import type { InternalTokenVerifier } from '../../lib/auth/internal-token.ts';
import type { Kv } from '../../lib/kv/types.ts';
import { type SqlServiceDeps, startSchema } from '../../lib/platform/sql-schema.ts';
import { chatMigrations } from './db/migrations.ts';

/** What the chat service needs; built once per process by an entry file (Node alone, all-in-one, tests). */
export interface ChatDeps extends SqlServiceDeps {
  kv: Kv;
  /** Verifies the gateway's internal identity tokens (audience `chat`); see `internalVerifierFor`. */
  internalVerifier: InternalTokenVerifier;
}

/** Background start-up: the `chat` schema's migrations (with retry); `/ready` is 503 until they are applied. */
export function startChat(deps: SqlServiceDeps): Promise<void> {
  return startSchema(deps, 'chat', chatMigrations);
}
