import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../../../lib/http/env.ts';
import type { WebDeps } from '../../deps.ts';
import { requireSession } from '../../session/require-session.ts';
import type { Sessions } from '../../session/sessions.ts';
import { isAssetId } from '../../views/assets/asset-paths.ts';
import { JobCard } from '../../views/assets/job-card.tsx';
import { loadJob } from './gallery.ts';

/** `GET /partials/assets/jobs/{id}`: one job's card as it now is (the page's script swaps it in when the job ends). */
export function registerGetJobCard(app: OpenAPIHono<AppEnv>, deps: WebDeps, sessions: Sessions): void {
  app.get('/partials/assets/jobs/:id', requireSession(sessions), async (c) => {
    const id = c.req.param('id');
    const job = isAssetId(id) ? await loadJob(deps, sessions, c, id) : null;
    if (!job) return c.html('', 404);
    if (typeof job === 'string') {
      return c.html(
        <p class="error" role="alert">
          {job}
        </p>,
      );
    }
    return c.html(<JobCard job={job} />);
  });
}
