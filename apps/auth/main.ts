import { importSigningKey } from '../../lib/auth/signing-keys.ts';
import { runService } from '../../lib/node/run-service.ts';
import { startKeyUsageFlusher } from './api-keys/usage.ts';
import { createApp } from './app.ts';
import { AuthConfigSchema, authSettings } from './config.ts';
import { type AuthDeps, startAuth } from './deps.ts';
import { createOutboxMailer } from './mail/outbox-mailer.ts';
import { ScryptHasher } from './node/scrypt-hasher.ts';
import { startRevocationHeartbeat } from './revocations/publisher.ts';

await runService({
  name: 'auth',
  schema: AuthConfigSchema,
  build: async ({ config, logger, readiness, backends, onShutdown }) => {
    const internalKey = config.INTERNAL_SIGNING_KEY ? await importSigningKey(config.INTERNAL_SIGNING_KEY) : undefined;
    if (!internalKey) {
      logger.warn('INTERNAL_SIGNING_KEY is not set: no gateway can vouch for callers, so only public routes work. Run `npm run keys`.');
    }
    const { db, kv } = backends;
    const deps: AuthDeps = {
      logger,
      readiness,
      db,
      kv,
      settings: authSettings(config, internalKey ? [internalKey.publicJwk] : []),
      passwordHasher: new ScryptHasher(),
      mailer: createOutboxMailer({ db, logger }),
      now: Date.now,
    };
    void startAuth(deps);
    onShutdown(startKeyUsageFlusher(deps));
    onShutdown(startRevocationHeartbeat(deps));
    return createApp(deps);
  },
});
