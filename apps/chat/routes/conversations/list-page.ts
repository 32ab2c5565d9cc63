import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { gaiaValidationHook } from '../../../../lib/gaia/errors.ts';
import type { AppEnv } from '../../../../lib/http/env.ts';
import { InvalidCursorError, listConversations } from '../../store/conversations.ts';
import type { ChatStore } from '../../store/store.ts';
import type { Conversation } from '../../store/types.ts';

export const DEFAULT_PAGE_SIZE = 100;
export const NEXT_CURSOR_HEADER = 'X-Next-Cursor';

/** Our additive query parameters on GAIA's conversation lists; without them the list is GAIA's. */
export const ConversationListQuerySchema = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(100)
    .optional()
    .openapi({ param: { name: 'limit', in: 'query' }, description: `Page size, 1..100 (default ${DEFAULT_PAGE_SIZE})` }),
  cursor: z
    .string()
    .max(500)
    .optional()
    .openapi({ param: { name: 'cursor', in: 'query' }, description: `The previous page's \`${NEXT_CURSOR_HEADER}\` header` }),
  q: z
    .string()
    .max(500)
    .optional()
    .openapi({ param: { name: 'q', in: 'query' }, description: 'Only conversations whose title or messages contain this text' }),
});
export type ConversationListQuery = z.infer<typeof ConversationListQuerySchema>;

export const nextCursorHeader = {
  [NEXT_CURSOR_HEADER]: { description: 'Present when more conversations remain: pass it as `cursor`', schema: { type: 'string' as const } },
};

/**
 * One page of the caller's conversations, newest `updated_at` first; sets {@link NEXT_CURSOR_HEADER} when more
 * remain. A cursor this service did not produce answers FastAPI's 422 (returned as a Response).
 * @example const page = await conversationPage(c, deps.store, principal.userId, c.req.valid('query'));
 */
export async function conversationPage(
  c: Context<AppEnv>,
  store: ChatStore,
  ownerId: string,
  query: ConversationListQuery,
): Promise<Conversation[] | Response> {
  try {
    const page = await listConversations(store, ownerId, { limit: query.limit ?? DEFAULT_PAGE_SIZE, cursor: query.cursor, q: query.q });
    if (page.nextCursor) c.header(NEXT_CURSOR_HEADER, page.nextCursor);
    return page.items;
  } catch (err) {
    if (!(err instanceof InvalidCursorError)) throw err;
    const error = new z.ZodError([{ code: 'custom', path: ['cursor'], message: 'Invalid cursor', input: query.cursor }]);
    return gaiaValidationHook({ success: false, error, target: 'query', data: query }, c) as Response;
  }
}
