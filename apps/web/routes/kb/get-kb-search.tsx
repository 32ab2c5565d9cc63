import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../../../lib/http/env.ts';
import type { WebDeps } from '../../deps.ts';
import { errorMessage } from '../../gateway/error-message.ts';
import { KbSearchSchema, readJson } from '../../gateway/schemas.ts';
import { callAsUser } from '../../session/call-as-user.ts';
import { requireSession } from '../../session/require-session.ts';
import type { Sessions } from '../../session/sessions.ts';
import { KbResults } from '../../views/kb/kb-results.tsx';

/** `GET /partials/kb/search?q=`: search results (htmx); an empty query clears them. */
export function registerGetKbSearch(app: OpenAPIHono<AppEnv>, deps: WebDeps, sessions: Sessions): void {
  app.get('/partials/kb/search', requireSession(sessions), async (c) => {
    const q = (c.req.query('q') ?? '').trim().slice(0, 500);
    if (!q) return c.html('');
    const res = await callAsUser(deps, sessions, c, { path: `/api/v1/kb/search?${new URLSearchParams({ q })}` });
    const found = res.ok ? await readJson(res, KbSearchSchema) : null;
    if (!found) return c.html(<p class="error">{res.ok ? 'Unreadable search results' : await errorMessage(res)}</p>);
    return c.html(<KbResults query={q} results={found.results} />);
  });
}
