import type { Row } from '../../../lib/db/types.ts';
import { containsPattern, isUuid, paramList, schemaIdent, toDate } from './sql.ts';
import type { ChatStore } from './store.ts';
import type { Conversation, Page } from './types.ts';

export const DEFAULT_CONVERSATION_TITLE = 'New Conversation';
const TITLE_LENGTH = 50;

/** A list cursor that this store did not produce (or that was altered): the caller's mistake, answer 400. */
export class InvalidCursorError extends Error {
  constructor() {
    super('Invalid cursor');
    this.name = 'InvalidCursorError';
  }
}

export interface NewConversation {
  title?: string;
  personaId?: string | null;
  model?: string | null;
}

export interface ConversationPatch {
  title?: string;
  personaId?: string | null;
  model?: string | null;
  preview?: string;
}

export interface ListConversationsOptions {
  /** 1..100. */
  limit: number;
  cursor?: string | null;
  /** Case-insensitive text searched in titles and message contents. */
  q?: string | null;
}

export interface ConversationRow extends Row {
  id: string;
  owner_id: string;
  title: string;
  preview: string;
  persona_id: string | null;
  model: string | null;
  created_at: Date | string;
  updated_at: Date | string;
}

export const CONVERSATION_COLUMNS = 'c.id, c.owner_id, c.title, c.preview, c.persona_id, c.model, c.created_at, c.updated_at';
const COLUMNS = CONVERSATION_COLUMNS;

export function toConversation(row: ConversationRow): Conversation {
  return {
    id: row.id,
    ownerId: row.owner_id,
    title: row.title,
    preview: row.preview,
    personaId: row.persona_id,
    model: row.model,
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
  };
}

/**
 * GAIA's title for a conversation started by a message: whitespace collapsed, the first 50 characters, `...` when
 * longer; the default title when the message is blank.
 * @example titleFromMessage('  Hello\n  there ') // 'Hello there'
 */
export function titleFromMessage(text: string): string {
  const chars = Array.from(text.replace(/\s+/g, ' ').trim());
  if (chars.length === 0) return DEFAULT_CONVERSATION_TITLE;
  return chars.length > TITLE_LENGTH ? `${chars.slice(0, TITLE_LENGTH).join('')}...` : chars.join('');
}

/**
 * Creates a conversation of `ownerId` (title default `New Conversation`). A `personaId` must name an existing persona.
 * @example const conversation = await createConversation(store, userId, { title: 'Trip plans' });
 */
export async function createConversation(store: ChatStore, ownerId: string, input: NewConversation = {}): Promise<Conversation> {
  const s = schemaIdent(store.schema);
  const [row] = await store.db.query<ConversationRow>(
    `insert into ${s}.conversations as c (owner_id, title, persona_id, model) values ($1, $2, $3::uuid, $4)
     returning ${COLUMNS}`,
    [ownerId, input.title ?? DEFAULT_CONVERSATION_TITLE, input.personaId ?? null, input.model ?? null],
  );
  return toConversation(row!);
}

/**
 * The conversation if `ownerId` owns it and it is not deleted; null otherwise (also for ids that are not UUIDs).
 * @example const conversation = await getConversation(store, userId, params.id); if (!conversation) throw notFound();
 */
export async function getConversation(store: ChatStore, ownerId: string, id: string): Promise<Conversation | null> {
  if (!isUuid(id)) return null;
  const [row] = await store.db.query<ConversationRow>(
    `select ${COLUMNS} from ${schemaIdent(store.schema)}.conversations c
      where c.id = $1 and c.owner_id = $2 and c.deleted_at is null`,
    [id, ownerId],
  );
  return row ? toConversation(row) : null;
}

interface CursorPosition {
  /** `updated_at` in microseconds since the epoch (exact; a `Date` would lose the microseconds). */
  micros: string;
  id: string;
}

const toBase64Url = (text: string) => btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

function encodeCursor(position: CursorPosition): string {
  return toBase64Url(JSON.stringify([position.micros, position.id]));
}

function decodeCursor(cursor: string): CursorPosition {
  try {
    const parsed: unknown = JSON.parse(atob(cursor.replace(/-/g, '+').replace(/_/g, '/')));
    if (Array.isArray(parsed) && parsed.length === 2) {
      const [micros, id] = parsed;
      if (typeof micros === 'string' && /^-?\d{1,18}$/.test(micros) && typeof id === 'string' && isUuid(id)) {
        return { micros, id };
      }
    }
  } catch {
    // Not base64 or not JSON: reported below like any other foreign cursor.
  }
  throw new InvalidCursorError();
}

/**
 * One page of the owner's conversations, most recently updated first (ties by id), optionally only those whose
 * title or messages contain `q`. Keyset pagination: pages stay consistent while conversations are added.
 * Throws {@link InvalidCursorError} for a cursor it did not produce and `RangeError` for a limit outside 1..100.
 * @example const page = await listConversations(store, userId, { limit: 20, cursor: query.cursor, q: query.q });
 */
export async function listConversations(
  store: ChatStore,
  ownerId: string,
  options: ListConversationsOptions,
): Promise<Page<Conversation>> {
  const { limit } = options;
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new RangeError(`limit must be 1..100, got ${limit}`);
  const s = schemaIdent(store.schema);
  const params = paramList([ownerId]);
  const conditions = ['c.owner_id = $1', 'c.deleted_at is null'];
  if (options.cursor) {
    const after = decodeCursor(options.cursor);
    conditions.push(
      `(c.updated_at, c.id) < (timestamptz 'epoch' + ${params.add(after.micros)}::bigint * interval '1 microsecond', ${params.add(after.id)}::uuid)`,
    );
  }
  if (options.q) {
    const pattern = params.add(containsPattern(options.q));
    conditions.push(
      `(c.title ilike ${pattern} or exists (select 1 from ${s}.messages m where m.conversation_id = c.id and m.content ilike ${pattern}))`,
    );
  }
  const rows = await store.db.query<ConversationRow & { micros: string }>(
    `select ${COLUMNS}, ((extract(epoch from c.updated_at) * 1000000)::bigint)::text as micros
       from ${s}.conversations c
      where ${conditions.join(' and ')}
      order by c.updated_at desc, c.id desc
      limit ${params.add(limit + 1)}`,
    params.values,
  );
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map(toConversation),
    nextCursor: rows.length > limit && last ? encodeCursor({ micros: last.micros, id: last.id }) : null,
  };
}

/**
 * Changes the given fields (and `updated_at`); null when the conversation is unknown, foreign or deleted.
 * @example await updateConversation(store, userId, id, { preview: reply.slice(0, 100) });
 */
export async function updateConversation(
  store: ChatStore,
  ownerId: string,
  id: string,
  patch: ConversationPatch,
): Promise<Conversation | null> {
  if (!isUuid(id)) return null;
  const params = paramList([id, ownerId]);
  const sets = ['updated_at = now()'];
  if (patch.title !== undefined) sets.push(`title = ${params.add(patch.title)}`);
  if (patch.preview !== undefined) sets.push(`preview = ${params.add(patch.preview)}`);
  if (patch.personaId !== undefined) sets.push(`persona_id = ${params.add(patch.personaId)}::uuid`);
  if (patch.model !== undefined) sets.push(`model = ${params.add(patch.model)}`);
  const [row] = await store.db.query<ConversationRow>(
    `update ${schemaIdent(store.schema)}.conversations c set ${sets.join(', ')}
      where c.id = $1 and c.owner_id = $2 and c.deleted_at is null
      returning ${COLUMNS}`,
    params.values,
  );
  return row ? toConversation(row) : null;
}

/**
 * Soft-deletes the conversation (its messages stay for usage accounting); afterwards it is unknown everywhere.
 * False when it was unknown, foreign or already deleted.
 * @example if (!(await deleteConversation(store, userId, id))) throw notFound();
 */
export async function deleteConversation(store: ChatStore, ownerId: string, id: string): Promise<boolean> {
  if (!isUuid(id)) return false;
  const rows = await store.db.query(
    `update ${schemaIdent(store.schema)}.conversations set deleted_at = now()
      where id = $1 and owner_id = $2 and deleted_at is null returning id`,
    [id, ownerId],
  );
  return rows.length > 0;
}
