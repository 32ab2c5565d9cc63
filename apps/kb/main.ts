import { runService } from '../../lib/node/run-service.ts';
import { createApp } from './app.ts';
import { KbConfigSchema } from './config.ts';
import { startKb } from './deps.ts';

await runService({
  name: 'kb',
  schema: KbConfigSchema,
  build: ({ logger, readiness, backends }) => {
    const deps = { logger, readiness, db: backends.db, kv: backends.kv };
    void startKb(deps);
    return createApp(deps);
  },
});
