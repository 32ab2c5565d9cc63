import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppEnv } from '../../../../lib/http/env.ts';
import type { WebDeps } from '../../deps.ts';
import { errorMessage } from '../../gateway/error-message.ts';
import { callAsUser } from '../../session/call-as-user.ts';
import { requireSession, type SignedInEnv } from '../../session/require-session.ts';
import type { Sessions } from '../../session/sessions.ts';
import { AssetMissingPage } from '../../views/assets/assets-page.tsx';
import { isAssetId } from '../../views/assets/asset-paths.ts';

/** The upstream headers a file keeps on its way to the browser. */
const KEPT = ['content-type', 'content-length', 'content-disposition', 'etag', 'last-modified'] as const;
/** A file name inside an asset (`?file=`), as the asset service names them. */
const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;

/**
 * The file from the gateway, following the one redirect the asset service answers for S3 / Supabase Storage (a
 * presigned URL), so the browser never leaves this origin (the page's CSP allows only it).
 */
async function fetchFile(deps: WebDeps, sessions: Sessions, c: Context<SignedInEnv>, path: string): Promise<Response> {
  const signal = c.req.raw.signal;
  const res = await callAsUser(deps, sessions, c, { path, accept: '*/*', signal });
  const location = res.headers.get('location');
  if (res.status < 300 || res.status >= 400 || !location || !URL.canParse(location)) return res;
  await res.body?.cancel();
  return fetch(location, { signal });
}

/**
 * `GET /assets/{id}/download[?file=&disposition=inline]` and `GET /assets/{id}/preview`: the asset's file or its
 * preview PNG with the user's rights (the browser has only the session cookie), streamed with the upstream
 * content type and disposition. A malformed id, or an asset that is not there or not the user's, is a 404 page.
 */
export function registerGetAssetFile(app: OpenAPIHono<AppEnv>, deps: WebDeps, sessions: Sessions): void {
  async function serve(c: Context<SignedInEnv>, what: 'download' | 'preview') {
    const id = c.req.param('id') ?? '';
    const user = c.get('session').user;
    const missing = () => c.html(<AssetMissingPage user={user} message="This asset does not exist (or is not yours)." />, 404);
    if (!isAssetId(id)) return missing();
    const query = new URLSearchParams();
    if (what === 'download') {
      const file = c.req.query('file');
      if (file !== undefined && !FILE_NAME.test(file)) return missing();
      if (file) query.set('file', file);
      if (c.req.query('disposition') === 'inline') query.set('disposition', 'inline');
    }
    const res = await fetchFile(deps, sessions, c, `/api/v1/assets/${id}/${what}${query.size ? `?${query}` : ''}`);
    if (!res.ok || !res.body) {
      if (res.status >= 500) return c.html(<AssetMissingPage user={user} message={await errorMessage(res)} />, 502);
      await res.body?.cancel();
      return missing();
    }
    const headers = new Headers({ 'cache-control': 'private, max-age=300' });
    for (const name of KEPT) {
      const value = res.headers.get(name);
      if (value) headers.set(name, value);
    }
    return c.body(res.body, 200, Object.fromEntries(headers));
  }

  app.get('/assets/:id/download', requireSession(sessions), (c) => serve(c, 'download'));
  app.get('/assets/:id/preview', requireSession(sessions), (c) => serve(c, 'preview'));
}
