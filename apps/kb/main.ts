import { discoveredUrl } from '../../lib/config/discovery.ts';
import { runService } from '../../lib/node/run-service.ts';
import { internalVerifierFor } from '../../lib/platform/internal-auth.ts';
import { httpClient } from '../../lib/service/client.ts';
import { createUndiciTransport } from '../../lib/service/transport-undici.ts';
import { createApp } from './app.ts';
import { KbConfigSchema } from './config.ts';
import { startKb } from './deps.ts';

await runService({
  name: 'kb',
  schema: KbConfigSchema,
  build: ({ config, logger, readiness, backends, tls, onShutdown }) => {
    const transport = tls ? createUndiciTransport({ tls }) : undefined;
    if (transport) onShutdown(() => transport.close());
    const auth = httpClient('auth', discoveredUrl(config, 'auth', { tls: tls !== undefined }), transport);
    const deps = { logger, readiness, db: backends.db, kv: backends.kv, internalVerifier: internalVerifierFor('kb', auth) };
    void startKb(deps);
    return createApp(deps);
  },
});
