import type { OpenAPIHono } from '@hono/zod-openapi';
import { ApiError } from '../../../../lib/errors/api-error.ts';
import { codeForStatus } from '../../../../lib/errors/codes.ts';
import type { AppEnv } from '../../../../lib/http/env.ts';
import type { WebDeps } from '../../deps.ts';
import { errorMessage } from '../../gateway/error-message.ts';
import { callAsUser } from '../../session/call-as-user.ts';
import { requireSession } from '../../session/require-session.ts';
import type { Sessions } from '../../session/sessions.ts';
import { currentConversation } from './get-conversation-list.tsx';

/**
 * `DELETE /chat/{id}` (htmx): deletes the conversation; answers an empty fragment (the sidebar entry disappears), or
 * sends the browser to a new chat when it was the one on screen.
 */
export function registerDeleteConversation(app: OpenAPIHono<AppEnv>, deps: WebDeps, sessions: Sessions): void {
  app.delete('/chat/:id', requireSession(sessions), async (c) => {
    const id = c.req.param('id');
    const res = await callAsUser(deps, sessions, c, {
      method: 'DELETE',
      path: `/api/v1/conversations/${encodeURIComponent(id)}`,
    });
    if (!res.ok && res.status !== 404) throw new ApiError(codeForStatus(res.status), await errorMessage(res));
    if (currentConversation(c.req.header('hx-current-url')) === id) return c.body(null, 200, { 'HX-Redirect': '/chat' });
    return c.html('');
  });
}
