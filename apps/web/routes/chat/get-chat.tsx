import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppEnv } from '../../../../lib/http/env.ts';
import type { WebDeps } from '../../deps.ts';
import { errorMessage } from '../../gateway/error-message.ts';
import { MessagesSchema, ModelsSchema, PersonasSchema, readJson } from '../../gateway/schemas.ts';
import { callAsUser } from '../../session/call-as-user.ts';
import { requireSession, type SignedInEnv } from '../../session/require-session.ts';
import type { Sessions } from '../../session/sessions.ts';
import { ChatPage } from '../../views/chat/chat-page.tsx';

/** `GET /chat` (a new conversation) and `GET /chat/{id}` (its messages): the chat page. */
export function registerGetChat(app: OpenAPIHono<AppEnv>, deps: WebDeps, sessions: Sessions): void {
  async function page(c: Context<SignedInEnv>, conversationId: string | null) {
    const { user } = c.get('session');
    const [models, personas, messages] = await Promise.all([
      callAsUser(deps, sessions, c, { path: '/api/v1/models' }),
      callAsUser(deps, sessions, c, { path: '/api/v1/chat/personas' }),
      conversationId ? callAsUser(deps, sessions, c, { path: `/api/v1/conversations/${encodeURIComponent(conversationId)}/messages` }) : null,
    ]);
    let error: string | undefined;
    if (messages && !messages.ok) {
      error = messages.status === 404 ? 'This conversation does not exist (or was deleted).' : await errorMessage(messages);
    }
    const history = messages?.ok ? await readJson(messages, MessagesSchema) : null;
    return c.html(
      <ChatPage
        user={user}
        conversationId={history ? conversationId : null}
        messages={history?.messages ?? []}
        models={(models.ok ? await readJson(models, ModelsSchema) : null)?.models ?? []}
        personas={(personas.ok ? await readJson(personas, PersonasSchema) : null)?.personas ?? []}
        {...(error ? { error } : {})}
      />,
      messages && !messages.ok ? (messages.status === 404 ? 404 : 502) : 200,
    );
  }

  app.get('/chat', requireSession(sessions), (c) => page(c, null));
  app.get('/chat/:id', requireSession(sessions), (c) => page(c, c.req.param('id')));
}
