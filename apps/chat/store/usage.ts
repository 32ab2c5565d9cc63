import type { Usage } from '../engine/types.ts';
import { isUuid, schemaIdent } from './sql.ts';
import type { ChatStore } from './store.ts';

export interface UsageTotals {
  inputTokens: number;
  outputTokens: number;
  /** Messages with recorded usage (model replies). */
  messages: number;
}

/**
 * Records the tokens a reply used on its message (replacing what was recorded); false when the message is unknown.
 * @example await recordUsage(store, reply.id, { inputTokens: 812, outputTokens: 64 });
 */
export async function recordUsage(store: ChatStore, messageId: string, usage: Usage): Promise<boolean> {
  if (!isUuid(messageId)) return false;
  const rows = await store.db.query(
    `update ${schemaIdent(store.schema)}.messages set input_tokens = $2, output_tokens = $3 where id = $1 returning id`,
    [messageId, usage.inputTokens, usage.outputTokens],
  );
  return rows.length > 0;
}

/**
 * Tokens used in all of a user's conversations, deleted ones included (the tokens were spent).
 * @example const { inputTokens, outputTokens } = await usageTotals(store, userId);
 */
export async function usageTotals(store: ChatStore, userId: string): Promise<UsageTotals> {
  const s = schemaIdent(store.schema);
  const [row] = await store.db.query<{ input_tokens: string; output_tokens: string; messages: number }>(
    `select coalesce(sum(m.input_tokens), 0)::text as input_tokens,
            coalesce(sum(m.output_tokens), 0)::text as output_tokens,
            count(*)::int as messages
       from ${s}.messages m join ${s}.conversations c on c.id = m.conversation_id
      where c.owner_id = $1 and (m.input_tokens is not null or m.output_tokens is not null)`,
    [userId],
  );
  return {
    inputTokens: Number(row?.input_tokens ?? 0),
    outputTokens: Number(row?.output_tokens ?? 0),
    messages: row?.messages ?? 0,
  };
}
