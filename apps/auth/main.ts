import { runService } from '../../lib/node/run-service.ts';
import { createApp } from './app.ts';
import { AuthConfigSchema } from './config.ts';
import { startAuth } from './deps.ts';

await runService({
  name: 'auth',
  schema: AuthConfigSchema,
  build: ({ logger, readiness, backends }) => {
    const deps = { logger, readiness, db: backends.db, kv: backends.kv };
    void startAuth(deps);
    return createApp(deps);
  },
});
