import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../../../lib/http/env.ts';
import type { WebDeps } from '../../deps.ts';
import { requireSession } from '../../session/require-session.ts';
import type { Sessions } from '../../session/sessions.ts';
import { AssetsPage } from '../../views/assets/assets-page.tsx';
import { loadGallery } from './gallery.ts';

/** `GET /assets[?cursor=]`: the generate form, the budgets and a page of the user's jobs and assets. */
export function registerGetAssets(app: OpenAPIHono<AppEnv>, deps: WebDeps, sessions: Sessions): void {
  app.get('/assets', requireSession(sessions), async (c) => {
    const gallery = await loadGallery(deps, sessions, c, c.req.query('cursor'));
    return c.html(
      <AssetsPage
        user={c.get('session').user}
        jobs={gallery.jobs}
        nextCursor={gallery.nextCursor}
        budget={gallery.budget}
        {...(gallery.error ? { error: gallery.error } : {})}
      />,
    );
  });
}
