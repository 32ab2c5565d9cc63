import type { OpenAPIHono } from '@hono/zod-openapi';
import { ApiError } from '../../../../lib/errors/api-error.ts';
import type { GatewayDeps } from '../../deps.ts';
import type { GatewayEnv } from '../../env.ts';

/** The files of `swagger-ui-dist` that `/docs` uses; nothing else in that package is served. */
export const SWAGGER_FILES = ['swagger-ui.css', 'swagger-ui-bundle.js', 'swagger-ui-standalone-preset.js', 'favicon-32x32.png'] as const;

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>GAIA API</title>
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
  <link rel="icon" type="image/png" href="/docs/assets/favicon-32x32.png">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/assets/swagger-ui-bundle.js"></script>
  <script src="/docs/assets/swagger-ui-standalone-preset.js"></script>
  <script src="/docs/init.js"></script>
</body>
</html>`;

const INIT = `window.ui = SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#swagger-ui',
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
  layout: 'StandaloneLayout',
  persistAuthorization: true,
});`;

/** `GET /docs`: Swagger UI over `/openapi.json`, every file served by the gateway itself (no CDN). */
export function registerGetDocs(app: OpenAPIHono<GatewayEnv>, deps: GatewayDeps): void {
  app.get('/docs', (c) => c.html(PAGE));
  app.get('/docs/init.js', (c) => c.body(INIT, 200, { 'content-type': 'text/javascript; charset=utf-8' }));
  app.get('/docs/assets/:file', async (c) => {
    const asset = await deps.docsAssets(c.req.param('file'));
    if (!asset) throw new ApiError('NOT_FOUND', 'No such documentation asset');
    return c.body(asset.body as Uint8Array<ArrayBuffer>, 200, {
      'content-type': asset.contentType,
      'cache-control': 'public, max-age=86400',
    });
  });
}
