import { CONVERSATION_COLUMNS, type ConversationRow, DEFAULT_CONVERSATION_TITLE, toConversation } from './conversations.ts';
import { isUuid, schemaIdent } from './sql.ts';
import type { ChatStore } from './store.ts';
import type { Conversation } from './types.ts';

export interface StartTurn {
  ownerId: string;
  /** An existing conversation of the owner, or what a new one gets. */
  conversation: { id: string } | { title?: string; personaId?: string | null; model?: string | null };
  /** The user's message, stored as complete. */
  message: string;
  /** The assistant's reply row, stored as partial (empty) until the turn ends. */
  reply: { model: string; provider: string };
}

export interface StartedTurn {
  conversation: Conversation;
  userMessageId: string;
  replyId: string;
}

interface TurnRow extends ConversationRow {
  user_message_id: string;
  reply_id: string;
}

/**
 * The writes that must happen before a model is called, in ONE statement (one round trip): create the conversation
 * (or bump an existing one of the owner), then store the user's message and the assistant's placeholder, in that
 * order. Null when an existing conversation is not the owner's, was deleted, or the id is not a UUID.
 * @example const turn = await startTurn(store, { ownerId, conversation: { title }, message, reply: { model, provider } });
 */
export async function startTurn(store: ChatStore, input: StartTurn): Promise<StartedTurn | null> {
  const s = schemaIdent(store.schema);
  const existing = 'id' in input.conversation ? input.conversation.id : null;
  if (existing !== null && !isUuid(existing)) return null;
  const created = 'id' in input.conversation ? null : input.conversation;
  // The conversation's own parameters come first; the messages' follow at $n.
  const [conversation, params] =
    existing !== null
      ? [
          `update ${s}.conversations c set updated_at = now() where c.id = $1::uuid and c.owner_id = $2 and c.deleted_at is null
           returning ${CONVERSATION_COLUMNS}`,
          [existing, input.ownerId],
        ]
      : [
          `insert into ${s}.conversations as c (owner_id, title, persona_id, model) values ($1, $2, $3::uuid, $4)
           returning ${CONVERSATION_COLUMNS}`,
          [input.ownerId, created?.title ?? DEFAULT_CONVERSATION_TITLE, created?.personaId ?? null, created?.model ?? null],
        ];
  const n = params.length;
  const [row] = await store.db.query<TurnRow>(
    `with c as (${conversation}),
     m as (
       insert into ${s}.messages (conversation_id, role, content, status, model, provider)
       select c.id, v.role, v.content, v.status, v.model, v.provider
         from c cross join (values (1, 'user', $${n + 1}::text, 'complete', null::text, null::text),
                                   (2, 'assistant', '', 'partial', $${n + 2}::text, $${n + 3}::text)) v(ord, role, content, status, model, provider)
        order by v.ord
       returning id, role
     )
     select c.*, (select id from m where role = 'user') as user_message_id, (select id from m where role = 'assistant') as reply_id
       from c`,
    [...params, input.message, input.reply.model, input.reply.provider],
  );
  if (!row) return null;
  return { conversation: toConversation(row), userMessageId: row.user_message_id, replyId: row.reply_id };
}
