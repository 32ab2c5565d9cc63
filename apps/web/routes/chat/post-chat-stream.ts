import type { OpenAPIHono } from '@hono/zod-openapi';
import { streamSSE } from 'hono/streaming';
import { z } from 'zod';
import { ApiError } from '../../../../lib/errors/api-error.ts';
import { codeForStatus } from '../../../../lib/errors/codes.ts';
import type { AppEnv } from '../../../../lib/http/env.ts';
import { parseSse } from '../../../../lib/sse/sse.ts';
import type { WebDeps } from '../../deps.ts';
import { errorMessage } from '../../gateway/error-message.ts';
import { callAsUser } from '../../session/call-as-user.ts';
import { requireSession } from '../../session/require-session.ts';
import type { Sessions } from '../../session/sessions.ts';
import { toBrowserEvents } from './stream-events.ts';

const optional = z
  .string()
  .max(200)
  .optional()
  .transform((value) => value || undefined);

/** The chat form: the message, and the conversation, model and persona it goes to (empty = new / default). */
export const ChatFormSchema = z.object({
  message: z.string().max(100_000, 'That message is too long').refine((m) => m.trim() !== '', 'Please type a message'),
  conversation_id: optional,
  model: optional,
  persona: optional,
});

/**
 * `POST /chat/stream`: sends the message to the gateway's streaming chat and relays the reply to the page as
 * server-sent events (`meta`, `text`, `tool`, `error`, `done`) while it arrives. Stops the upstream reply when the
 * browser goes away.
 */
export function registerPostChatStream(app: OpenAPIHono<AppEnv>, deps: WebDeps, sessions: Sessions): void {
  app.post('/chat/stream', requireSession(sessions, { signedOut: 'unauthorized' }), async (c) => {
    const parsed = ChatFormSchema.safeParse(await c.req.parseBody());
    if (!parsed.success) throw new ApiError('VALIDATION_FAILED', parsed.error.issues[0]?.message ?? 'Invalid message');
    const { message, conversation_id, model, persona } = parsed.data;
    const upstream = new AbortController();
    const res = await callAsUser(deps, sessions, c, {
      method: 'POST',
      path: '/api/v1/chat',
      accept: 'text/event-stream',
      json: { message, stream: true, ...(conversation_id ? { conversation_id } : {}), ...(model ? { model } : {}), ...(persona ? { persona } : {}) },
      signal: upstream.signal,
    });
    if (!res.ok || !res.body) throw new ApiError(codeForStatus(res.status), await errorMessage(res));
    const body = res.body;
    return streamSSE(
      c,
      async (stream) => {
        stream.onAbort(() => upstream.abort());
        for await (const event of parseSse(body)) {
          for (const out of toBrowserEvents(event.data)) await stream.writeSSE({ event: out.type, data: JSON.stringify(out.data) });
          if (event.data === '[DONE]') return;
        }
        await stream.writeSSE({ event: 'done', data: '{}' });
      },
      async (err, stream) => {
        deps.logger.warn('chat stream interrupted', { requestId: c.get('requestId'), error: String(err) });
        await stream.writeSSE({ event: 'error', data: JSON.stringify({ message: 'The reply was interrupted' }) });
      },
    );
  });
}
