import { createIdentityTokens } from '../../lib/auth/identity-tokens.ts';
import { importSigningKey } from '../../lib/auth/signing-keys.ts';
import { discoveredUrl } from '../../lib/config/discovery.ts';
import { runService } from '../../lib/node/run-service.ts';
import { internalVerifierFor } from '../../lib/platform/internal-auth.ts';
import { httpClient } from '../../lib/service/client.ts';
import { createUndiciTransport } from '../../lib/service/transport-undici.ts';
import { createApp } from './app.ts';
import { ChatConfigSchema, chatSettings } from './config.ts';
import { createChatDeps, startChat } from './deps.ts';

await runService({
  name: 'chat',
  schema: ChatConfigSchema,
  build: async ({ config, logger, readiness, backends, tls, onShutdown }) => {
    const transport = tls ? createUndiciTransport({ tls }) : undefined;
    if (transport) onShutdown(() => transport.close());
    const discover = (name: 'auth' | 'kb' | 'asset') => httpClient(name, discoveredUrl(config, name, { tls: tls !== undefined }), transport);
    const deps = createChatDeps({
      logger,
      readiness,
      db: backends.db,
      kv: backends.kv,
      internalVerifier: internalVerifierFor('chat', discover('auth')),
      settings: chatSettings(config),
      kb: discover('kb'),
      asset: discover('asset'),
      ...(config.INTERNAL_SIGNING_KEY ? { identityTokens: createIdentityTokens(await importSigningKey(config.INTERNAL_SIGNING_KEY)) } : {}),
    });
    onShutdown(() => deps.close());
    void startChat(deps);
    return createApp(deps);
  },
});
