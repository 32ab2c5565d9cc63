import { packageAssets } from '../../lib/node/file-assets.ts';
import { runService } from '../../lib/node/run-service.ts';
import { createApp } from './app.ts';
import { WebConfigSchema } from './config.ts';
import { WEB_STATIC_FILES } from './deps.ts';

await runService({
  name: 'web',
  schema: WebConfigSchema,
  backends: false,
  build: ({ config, logger, readiness }) =>
    createApp({
      logger,
      readiness,
      gateway: (request) => {
        const url = new URL(request.url);
        return fetch(new Request(new URL(url.pathname + url.search, config.GATEWAY_URL), request));
      },
      publicGatewayUrl: config.PUBLIC_GATEWAY_URL,
      staticAssets: packageAssets('htmx.org', 'dist/htmx.min.js', WEB_STATIC_FILES),
    }),
});
