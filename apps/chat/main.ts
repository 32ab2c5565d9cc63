import { runService } from '../../lib/node/run-service.ts';
import { createApp } from './app.ts';
import { ChatConfigSchema } from './config.ts';
import { startChat } from './deps.ts';

await runService({
  name: 'chat',
  schema: ChatConfigSchema,
  build: ({ logger, readiness, backends }) => {
    const deps = { logger, readiness, db: backends.db, kv: backends.kv };
    void startChat(deps);
    return createApp(deps);
  },
});
