import type { Kv } from '../../lib/kv/types.ts';
import { type SqlServiceDeps, startSchema } from '../../lib/platform/sql-schema.ts';
import { assetMigrations } from './db/migrations.ts';

/** What the asset service needs; built once per process by an entry file (Node alone, all-in-one, tests). */
export interface AssetDeps extends SqlServiceDeps {
  kv: Kv;
}

/** Background start-up: the `asset` schema's migrations (with retry); `/ready` is 503 until they are applied. */
export function startAsset(deps: AssetDeps): Promise<void> {
  return startSchema(deps, 'asset', assetMigrations);
}
