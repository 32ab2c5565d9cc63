import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../../../lib/http/env.ts';
import type { WebDeps } from '../../deps.ts';
import { errorMessage } from '../../gateway/error-message.ts';
import { KbTreeSchema, readJson } from '../../gateway/schemas.ts';
import { callAsUser } from '../../session/call-as-user.ts';
import { requireSession } from '../../session/require-session.ts';
import type { Sessions } from '../../session/sessions.ts';
import { KbTree } from '../../views/kb/kb-tree.tsx';

/** `GET /partials/kb/tree?path=`: one folder level of what the user may read (htmx). */
export function registerGetKbTree(app: OpenAPIHono<AppEnv>, deps: WebDeps, sessions: Sessions): void {
  app.get('/partials/kb/tree', requireSession(sessions), async (c) => {
    const path = (c.req.query('path') ?? '').slice(0, 512);
    const res = await callAsUser(deps, sessions, c, { path: `/api/v1/kb/tree?${new URLSearchParams({ path })}` });
    const tree = res.ok ? await readJson(res, KbTreeSchema) : null;
    if (!tree) return c.html(<p class="error">{res.ok ? 'Unreadable folder' : await errorMessage(res)}</p>);
    return c.html(<KbTree entries={tree.entries} />);
  });
}
