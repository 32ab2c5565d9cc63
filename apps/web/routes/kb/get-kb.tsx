import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../../../lib/http/env.ts';
import { requireSession } from '../../session/require-session.ts';
import type { Sessions } from '../../session/sessions.ts';
import { KbPage } from '../../views/kb/kb-page.tsx';
import { userFolder } from '../../views/kb/kb-paths.ts';

/** `GET /kb`: the knowledge base page (its search results and folders load over htmx). */
export function registerGetKb(app: OpenAPIHono<AppEnv>, sessions: Sessions): void {
  app.get('/kb', requireSession(sessions), (c) => {
    const { user } = c.get('session');
    return c.html(<KbPage user={user} folder={userFolder(user.id)} />);
  });
}
