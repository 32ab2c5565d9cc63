import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../../../../lib/http/env.ts';
import type { ChatDeps } from '../../deps.ts';
import { usageTotals } from '../../store/usage.ts';
import { GaiaDetailSchema } from '../conversations/schemas.ts';
import { gaiaCaller } from '../gaia/permissions.ts';

export const ChatUsageSchema = z
  .object({
    input_tokens: z.number().int(),
    output_tokens: z.number().int(),
    total_tokens: z.number().int(),
    messages: z.number().int().openapi({ description: 'Model replies with recorded usage' }),
  })
  .openapi('ChatUsage');
export type ChatUsage = z.infer<typeof ChatUsageSchema>;

export const getChatUsageRoute = createRoute({
  method: 'get',
  path: '/chat/usage',
  operationId: 'getChatUsage',
  tags: ['gaia'],
  summary: "The caller's token usage over all their conversations, deleted ones included (our extension)",
  responses: {
    200: { description: 'Token totals', content: { 'application/json': { schema: ChatUsageSchema } } },
    403: { description: 'The caller may not read chat data', content: { 'application/json': { schema: GaiaDetailSchema } } },
  },
});

/** `GET /api/v1/chat/usage` → `{input_tokens, output_tokens, total_tokens, messages}`. */
export function registerGetChatUsage(router: OpenAPIHono<AppEnv>, deps: ChatDeps): void {
  router.openapi(getChatUsageRoute, async (c) => {
    const principal = gaiaCaller(c, 'chat:read');
    const totals = await usageTotals(deps.store, principal.userId);
    return c.json(
      {
        input_tokens: totals.inputTokens,
        output_tokens: totals.outputTokens,
        total_tokens: totals.inputTokens + totals.outputTokens,
        messages: totals.messages,
      },
      200,
    );
  });
}
