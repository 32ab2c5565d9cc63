import * as fs from 'node:fs';
import { createIdentityTokens } from '../../lib/auth/identity-tokens.ts';
import { importSigningKey } from '../../lib/auth/signing-keys.ts';
import { discoveredUrl } from '../../lib/config/discovery.ts';
import { runService } from '../../lib/node/run-service.ts';
import { internalVerifierFor } from '../../lib/platform/internal-auth.ts';
import { httpClient } from '../../lib/service/client.ts';
import { servicePrincipal, withIdentity } from '../../lib/service/identity-client.ts';
import { createUndiciTransport } from '../../lib/service/transport-undici.ts';
import { authTeamDirectory, staticTeamDirectory } from './access/teams.ts';
import { createApp } from './app.ts';
import { KbConfigSchema, kbSettings } from './config.ts';
import { createKbDeps, startKb } from './deps.ts';

await runService({
  name: 'kb',
  schema: KbConfigSchema,
  build: async ({ config, logger, readiness, backends, tls, onShutdown }) => {
    const transport = tls ? createUndiciTransport({ tls }) : undefined;
    if (transport) onShutdown(() => transport.close());
    const auth = httpClient('auth', discoveredUrl(config, 'auth', { tls: tls !== undefined }), transport);
    let teams = staticTeamDirectory({});
    if (config.INTERNAL_SIGNING_KEY) {
      const tokens = createIdentityTokens(await importSigningKey(config.INTERNAL_SIGNING_KEY));
      teams = authTeamDirectory(withIdentity(auth, tokens, servicePrincipal('kb')), logger);
    } else {
      logger.warn('INTERNAL_SIGNING_KEY is not set: the kb service cannot ask auth for team memberships, so team folders stay hidden');
    }
    const deps = createKbDeps({
      logger,
      readiness,
      db: backends.db,
      kv: backends.kv,
      internalVerifier: internalVerifierFor('kb', auth),
      teams,
      settings: kbSettings(config, config.DATA_DIR),
      fs,
    });
    onShutdown(() => deps.kb.stop());
    void startKb(deps);
    return createApp(deps);
  },
});
