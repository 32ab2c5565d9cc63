import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../../../lib/http/env.ts';
import type { WebDeps } from '../../deps.ts';
import { errorMessage } from '../../gateway/error-message.ts';
import { callAsUser } from '../../session/call-as-user.ts';
import { requireSession } from '../../session/require-session.ts';
import type { Sessions } from '../../session/sessions.ts';
import { AssetMissingPage } from '../../views/assets/assets-page.tsx';
import { isAssetId } from '../../views/assets/asset-paths.ts';
import { JobCard } from '../../views/assets/job-card.tsx';
import { isHtmx, loadJob } from './gallery.ts';
import { actionFailed } from './action-failed.tsx';

/**
 * `POST /assets/jobs/{id}/cancel`: cancels a queued or running job. htmx gets the job's card as it now is (also when
 * it had already finished); a plain form post goes back to the gallery.
 */
export function registerPostCancelJob(app: OpenAPIHono<AppEnv>, deps: WebDeps, sessions: Sessions): void {
  app.post('/assets/jobs/:id/cancel', requireSession(sessions), async (c) => {
    const id = c.req.param('id');
    const missing = () => c.html(<AssetMissingPage user={c.get('session').user} message="This job does not exist (or is not yours)." />, 404);
    if (!isAssetId(id)) return missing();
    const res = await callAsUser(deps, sessions, c, { method: 'POST', path: `/api/v1/assets/jobs/${id}/cancel` });
    if (res.status === 404) return missing();
    if (!res.ok && res.status !== 409) return actionFailed(c, await errorMessage(res));
    await res.body?.cancel();
    if (!isHtmx(c)) return c.redirect('/assets', 303);
    const job = await loadJob(deps, sessions, c, id);
    if (!job) return c.html('');
    if (typeof job === 'string') return actionFailed(c, job);
    return c.html(<JobCard job={job} />);
  });
}
