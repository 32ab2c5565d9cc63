import { discoveredUrl } from '../../lib/config/discovery.ts';
import { runService } from '../../lib/node/run-service.ts';
import { internalVerifierFor } from '../../lib/platform/internal-auth.ts';
import { httpClient } from '../../lib/service/client.ts';
import { createUndiciTransport } from '../../lib/service/transport-undici.ts';
import { createApp } from './app.ts';
import { AssetConfigSchema } from './config.ts';
import { startAsset } from './deps.ts';

await runService({
  name: 'asset',
  schema: AssetConfigSchema,
  build: ({ config, logger, readiness, backends, tls, onShutdown }) => {
    const transport = tls ? createUndiciTransport({ tls }) : undefined;
    if (transport) onShutdown(() => transport.close());
    const auth = httpClient('auth', discoveredUrl(config, 'auth', { tls: tls !== undefined }), transport);
    const deps = { logger, readiness, db: backends.db, kv: backends.kv, internalVerifier: internalVerifierFor('asset', auth) };
    void startAsset(deps);
    return createApp(deps);
  },
});
