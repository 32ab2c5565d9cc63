import type { Kv } from '../../lib/kv/types.ts';
import { type SqlServiceDeps, startSchema } from '../../lib/platform/sql-schema.ts';
import { kbMigrations } from './db/migrations.ts';

/** What the kb service needs; built once per process by an entry file (Node alone, all-in-one, tests). */
export interface KbDeps extends SqlServiceDeps {
  kv: Kv;
}

/** Background start-up: the `kb` schema's migrations (with retry); `/ready` is 503 until they are applied. */
export function startKb(deps: KbDeps): Promise<void> {
  return startSchema(deps, 'kb', kbMigrations);
}
