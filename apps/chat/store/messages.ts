import type { Row } from '../../../lib/db/types.ts';
import type { Usage } from '../engine/types.ts';
import { fromJson, isUuid, jsonParam, paramList, schemaIdent, toDate } from './sql.ts';
import type { ChatStore } from './store.ts';
import type { MessageStatus, NewMessage, StoredMessage, StoredToolCall } from './types.ts';

/** Appending to a conversation that does not exist or was deleted (callers check ownership first). */
export class ConversationNotFoundError extends Error {
  constructor(readonly conversationId: string) {
    super(`Conversation ${conversationId} not found`);
    this.name = 'ConversationNotFoundError';
  }
}

export interface MessagePatch {
  content?: string;
  toolCalls?: StoredToolCall[] | null;
  usage?: Usage | null;
  status?: MessageStatus;
  error?: string | null;
  model?: string | null;
  provider?: string | null;
}

export interface ListMessagesOptions {
  /** At most this many: the most recent ones (still returned oldest first). Default: all. */
  limit?: number;
  /** Only messages older than this message id (paging back through a long conversation). */
  before?: string;
}

export interface MessageRow extends Row {
  id: string;
  conversation_id: string;
  role: StoredMessage['role'];
  content: string;
  tool_calls: unknown;
  model: string | null;
  provider: string | null;
  input_tokens: number | null;
  output_tokens: number | null;
  status: MessageStatus;
  error: string | null;
  created_at: Date | string;
}

const COLUMNS =
  'm.id, m.conversation_id, m.role, m.content, m.tool_calls, m.model, m.provider, m.input_tokens, m.output_tokens, m.status, m.error, m.created_at';

function toMessage(row: MessageRow): StoredMessage {
  const toolCalls = fromJson(row.tool_calls);
  return {
    id: row.id,
    conversationId: row.conversation_id,
    role: row.role,
    content: row.content,
    toolCalls: Array.isArray(toolCalls) ? (toolCalls as StoredToolCall[]) : null,
    model: row.model,
    provider: row.provider,
    usage:
      row.input_tokens === null && row.output_tokens === null
        ? null
        : { inputTokens: row.input_tokens ?? 0, outputTokens: row.output_tokens ?? 0 },
    status: row.status,
    error: row.error,
    createdAt: toDate(row.created_at),
  };
}

/**
 * Adds a message to a conversation and bumps the conversation's `updated_at`, in one transaction. Throws
 * {@link ConversationNotFoundError} when the conversation does not exist or was deleted.
 * @example const reply = await appendMessage(store, conversation.id, { role: 'assistant', content: '', status: 'partial' });
 */
export async function appendMessage(store: ChatStore, conversationId: string, message: NewMessage): Promise<StoredMessage> {
  const s = schemaIdent(store.schema);
  if (!isUuid(conversationId)) throw new ConversationNotFoundError(conversationId);
  return store.db.transaction(async (tx) => {
    const touched = await tx.query(
      `update ${s}.conversations set updated_at = now() where id = $1 and deleted_at is null returning id`,
      [conversationId],
    );
    if (touched.length === 0) throw new ConversationNotFoundError(conversationId);
    const [row] = await tx.query<MessageRow>(
      `insert into ${s}.messages as m
         (conversation_id, role, content, tool_calls, model, provider, input_tokens, output_tokens, status, error)
       values ($1, $2, $3, $4::text::jsonb, $5, $6, $7, $8, $9, $10)
       returning ${COLUMNS}`,
      [
        conversationId,
        message.role,
        message.content,
        jsonParam(message.toolCalls),
        message.model ?? null,
        message.provider ?? null,
        message.usage?.inputTokens ?? null,
        message.usage?.outputTokens ?? null,
        message.status ?? 'complete',
        message.error ?? null,
      ],
    );
    return toMessage(row!);
  });
}

/**
 * Changes the given fields of a message (e.g. a streamed reply as it completes, fails or is cut short); null when
 * it does not exist. `usage: null` clears the recorded tokens.
 * @example await updateMessage(store, reply.id, { content: text, status: 'complete', usage });
 */
export async function updateMessage(store: ChatStore, id: string, patch: MessagePatch): Promise<StoredMessage | null> {
  if (!isUuid(id)) return null;
  const params = paramList([id]);
  const sets: string[] = [];
  if (patch.content !== undefined) sets.push(`content = ${params.add(patch.content)}`);
  if (patch.toolCalls !== undefined) sets.push(`tool_calls = ${params.add(jsonParam(patch.toolCalls))}::text::jsonb`);
  if (patch.usage !== undefined) {
    sets.push(`input_tokens = ${params.add(patch.usage?.inputTokens ?? null)}::integer`);
    sets.push(`output_tokens = ${params.add(patch.usage?.outputTokens ?? null)}::integer`);
  }
  if (patch.status !== undefined) sets.push(`status = ${params.add(patch.status)}`);
  if (patch.error !== undefined) sets.push(`error = ${params.add(patch.error)}`);
  if (patch.model !== undefined) sets.push(`model = ${params.add(patch.model)}`);
  if (patch.provider !== undefined) sets.push(`provider = ${params.add(patch.provider)}`);
  const s = schemaIdent(store.schema);
  const [row] =
    sets.length === 0
      ? await store.db.query<MessageRow>(`select ${COLUMNS} from ${s}.messages m where m.id = $1`, params.values)
      : await store.db.query<MessageRow>(
          `update ${s}.messages m set ${sets.join(', ')} where m.id = $1 returning ${COLUMNS}`,
          params.values,
        );
  return row ? toMessage(row) : null;
}

/**
 * Messages of a conversation, oldest first; with `limit`, the most recent ones (before `before` when given).
 * Empty for unknown or deleted conversations (callers check ownership first).
 * @example const messages = await listMessages(store, conversation.id);
 */
export async function listMessages(
  store: ChatStore,
  conversationId: string,
  options: ListMessagesOptions = {},
): Promise<StoredMessage[]> {
  if (!isUuid(conversationId)) return [];
  if (options.before !== undefined && !isUuid(options.before)) return [];
  const s = schemaIdent(store.schema);
  const params = paramList([conversationId]);
  const conditions = ['m.conversation_id = $1'];
  if (options.before !== undefined) {
    conditions.push(`m.seq < (select b.seq from ${s}.messages b where b.id = ${params.add(options.before)} and b.conversation_id = $1)`);
  }
  const limit = options.limit === undefined ? '' : `limit ${params.add(Math.max(0, Math.trunc(options.limit)))}`;
  const rows = await store.db.query<MessageRow>(
    `select * from (
       select ${COLUMNS}, m.seq from ${s}.messages m
         join ${s}.conversations c on c.id = m.conversation_id and c.deleted_at is null
        where ${conditions.join(' and ')}
        order by m.seq desc ${limit}
     ) m order by m.seq`,
    params.values,
  );
  return rows.map(toMessage);
}

/**
 * What the model sees of a conversation: its last `maxMessages` user, assistant and tool messages that completed
 * or were cut short (failed replies and system messages are left out), oldest first.
 * @example const history = await historyFor(store, conversation.id, { maxMessages: 40 });
 */
export async function historyFor(
  store: ChatStore,
  conversationId: string,
  options: { maxMessages: number },
): Promise<StoredMessage[]> {
  if (!isUuid(conversationId)) return [];
  const s = schemaIdent(store.schema);
  const rows = await store.db.query<MessageRow>(
    `select * from (
       select ${COLUMNS}, m.seq from ${s}.messages m
         join ${s}.conversations c on c.id = m.conversation_id and c.deleted_at is null
        where m.conversation_id = $1 and m.role in ('user', 'assistant', 'tool') and m.status in ('complete', 'partial')
        order by m.seq desc limit $2
     ) m order by m.seq`,
    [conversationId, Math.max(0, Math.trunc(options.maxMessages))],
  );
  return rows.map(toMessage);
}
