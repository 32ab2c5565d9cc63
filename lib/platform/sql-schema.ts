import type { Db, Migration } from '../db/types.ts';
import { migrate } from '../db/migrate.ts';
import type { Logger } from '../logging/logger.ts';
import type { Readiness } from '../readiness/readiness.ts';

export interface SqlServiceDeps {
  logger: Logger;
  readiness: Readiness;
  db: Db;
}

/**
 * Background start-up of a service's own SQL schema: migrations run with retry/backoff (so `/ready` is 503 with the
 * reason until the database answers), then the database is probed on every readiness check.
 * @example void startSchema(deps, 'auth', authMigrations);
 */
export function startSchema(deps: SqlServiceDeps, schema: string, migrations: Migration[]): Promise<void> {
  return deps.readiness.start(
    'database',
    async () => {
      await migrate(deps.db, schema, migrations, deps.logger);
    },
    { probe: () => deps.db.ping() },
  );
}
