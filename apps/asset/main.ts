import { discoveredUrl } from '../../lib/config/discovery.ts';
import { runService } from '../../lib/node/run-service.ts';
import { internalVerifierFor } from '../../lib/platform/internal-auth.ts';
import { httpClient } from '../../lib/service/client.ts';
import { createUndiciTransport } from '../../lib/service/transport-undici.ts';
import { createApp } from './app.ts';
import { AssetConfigSchema, assetSettings } from './config.ts';
import { createAssetDeps, startAsset } from './deps.ts';

await runService({
  name: 'asset',
  schema: AssetConfigSchema,
  build: ({ config, logger, readiness, backends, tls, onShutdown }) => {
    const transport = tls ? createUndiciTransport({ tls }) : undefined;
    if (transport) onShutdown(() => transport.close());
    const auth = httpClient('auth', discoveredUrl(config, 'auth', { tls: tls !== undefined }), transport);
    const deps = createAssetDeps({
      logger,
      readiness,
      db: backends.db,
      kv: backends.kv,
      internalVerifier: internalVerifierFor('asset', auth),
      settings: assetSettings(config, config.DATA_DIR),
    });
    // Workers stop taking jobs; running ones finish or go back to the queue for another instance.
    onShutdown(() => deps.close(config.SHUTDOWN_TIMEOUT_MS));
    void startAsset(deps);
    return createApp(deps);
  },
});
