import type { Kv } from '../../lib/kv/types.ts';
import { type SqlServiceDeps, startSchema } from '../../lib/platform/sql-schema.ts';
import { authMigrations } from './db/migrations.ts';

/** What the auth service needs; built once per process by an entry file (Node alone, all-in-one, tests). */
export interface AuthDeps extends SqlServiceDeps {
  kv: Kv;
}

/** Background start-up: the `auth` schema's migrations (with retry); `/ready` is 503 until they are applied. */
export function startAuth(deps: AuthDeps): Promise<void> {
  return startSchema(deps, 'auth', authMigrations);
}
