import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../../../lib/http/env.ts';
import type { WebDeps } from '../../deps.ts';
import { errorMessage } from '../../gateway/error-message.ts';
import { callAsUser } from '../../session/call-as-user.ts';
import { requireSession } from '../../session/require-session.ts';
import type { Sessions } from '../../session/sessions.ts';
import { AssetMissingPage } from '../../views/assets/assets-page.tsx';
import { isAssetId } from '../../views/assets/asset-paths.ts';
import { actionFailed } from './action-failed.tsx';
import { isHtmx } from './gallery.ts';

/**
 * `POST /assets/{id}/delete`: deletes the asset (its files too, unless another record shares them). htmx gets an
 * empty fragment (the card goes); a plain form post goes back to the gallery.
 */
export function registerPostDeleteAsset(app: OpenAPIHono<AppEnv>, deps: WebDeps, sessions: Sessions): void {
  app.post('/assets/:id/delete', requireSession(sessions), async (c) => {
    const id = c.req.param('id');
    const missing = () => c.html(<AssetMissingPage user={c.get('session').user} message="This asset does not exist (or is not yours)." />, 404);
    if (!isAssetId(id)) return missing();
    const res = await callAsUser(deps, sessions, c, { method: 'DELETE', path: `/api/v1/assets/${id}` });
    if (res.status === 404) return missing();
    if (!res.ok) return actionFailed(c, await errorMessage(res));
    await res.body?.cancel();
    return isHtmx(c) ? c.html('') : c.redirect('/assets', 303);
  });
}
