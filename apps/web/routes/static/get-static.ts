import type { OpenAPIHono } from '@hono/zod-openapi';
import { ApiError } from '../../../../lib/errors/api-error.ts';
import type { AppEnv } from '../../../../lib/http/env.ts';
import type { WebDeps } from '../../deps.ts';

/** `GET /static/:file`: the UI's own static files (an allow-list; see `WEB_STATIC_FILES`). */
export function registerGetStatic(app: OpenAPIHono<AppEnv>, deps: WebDeps): void {
  app.get('/static/:file', async (c) => {
    const asset = await deps.staticAssets(c.req.param('file'));
    if (!asset) throw new ApiError('NOT_FOUND', 'No such static file');
    return c.body(asset.body as Uint8Array<ArrayBuffer>, 200, {
      'content-type': asset.contentType,
      'cache-control': 'public, max-age=3600',
    });
  });
}
