import { runService } from '../../lib/node/run-service.ts';
import { createApp } from './app.ts';
import { WebConfigSchema } from './config.ts';
import { webStaticAssets } from './static-assets.ts';

await runService({
  name: 'web',
  schema: WebConfigSchema,
  backends: false,
  build: ({ config, logger, readiness }) => {
    if (!config.WEB_SESSION_KEY) {
      logger.warn('WEB_SESSION_KEY is not set: sign-ins end when this process restarts and do not carry across instances');
    }
    return createApp({
      logger,
      readiness,
      gateway: (request, client) => {
        const url = new URL(request.url);
        const forwarded = new Request(new URL(url.pathname + url.search, config.GATEWAY_URL), request);
        // The browser's address, for the gateway's per-client limits (honoured there with TRUST_PROXY=true).
        if (client) forwarded.headers.set('x-forwarded-for', client.incoming.socket.remoteAddress);
        return fetch(forwarded);
      },
      publicGatewayUrl: config.PUBLIC_GATEWAY_URL,
      staticAssets: webStaticAssets(),
      ...(config.WEB_SESSION_KEY ? { sessionKey: config.WEB_SESSION_KEY } : {}),
    });
  },
});
