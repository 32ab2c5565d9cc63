import { runService } from '../../lib/node/run-service.ts';
import { createApp } from './app.ts';
import { AssetConfigSchema } from './config.ts';
import { startAsset } from './deps.ts';

await runService({
  name: 'asset',
  schema: AssetConfigSchema,
  build: ({ logger, readiness, backends }) => {
    const deps = { logger, readiness, db: backends.db, kv: backends.kv };
    void startAsset(deps);
    return createApp(deps);
  },
});
