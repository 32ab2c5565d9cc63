import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../../../lib/http/env.ts';
import type { WebDeps } from '../../deps.ts';
import { errorMessage } from '../../gateway/error-message.ts';
import { ConversationsSchema, readJson } from '../../gateway/schemas.ts';
import { callAsUser } from '../../session/call-as-user.ts';
import { requireSession } from '../../session/require-session.ts';
import type { Sessions } from '../../session/sessions.ts';
import { ConversationList } from '../../views/chat/conversation-list.tsx';

/** The conversation a chat page URL shows (`/chat/{id}`), from htmx's `HX-Current-URL`. */
export function currentConversation(currentUrl: string | undefined): string | null {
  if (!currentUrl) return null;
  try {
    const match = /^\/chat\/([^/]+)$/.exec(new URL(currentUrl).pathname);
    return match?.[1] ? decodeURIComponent(match[1]) : null;
  } catch {
    return null;
  }
}

/** `GET /partials/conversations`: the sidebar's list of the user's conversations (htmx). */
export function registerGetConversationList(app: OpenAPIHono<AppEnv>, deps: WebDeps, sessions: Sessions): void {
  app.get('/partials/conversations', requireSession(sessions), async (c) => {
    const res = await callAsUser(deps, sessions, c, { path: '/api/v1/conversations' });
    const list = res.ok ? await readJson(res, ConversationsSchema) : null;
    if (!list) return c.html(<p class="error">{res.ok ? 'Unreadable conversation list' : await errorMessage(res)}</p>);
    return c.html(<ConversationList conversations={list.conversations} currentId={currentConversation(c.req.header('hx-current-url'))} />);
  });
}
