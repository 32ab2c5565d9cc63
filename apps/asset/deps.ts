import type { InternalTokenVerifier } from '../../lib/auth/internal-token.ts';
import type { Kv } from '../../lib/kv/types.ts';
import { type SqlServiceDeps, startSchema } from '../../lib/platform/sql-schema.ts';
import { assetMigrations } from './db/migrations.ts';

/** What the asset service needs; built once per process by an entry file (Node alone, all-in-one, tests). */
export interface AssetDeps extends SqlServiceDeps {
  kv: Kv;
  /** Verifies the gateway's internal identity tokens (audience `asset`); see `internalVerifierFor`. */
  internalVerifier: InternalTokenVerifier;
}

/** Background start-up: the `asset` schema's migrations (with retry); `/ready` is 503 until they are applied. */
export function startAsset(deps: SqlServiceDeps): Promise<void> {
  return startSchema(deps, 'asset', assetMigrations);
}
