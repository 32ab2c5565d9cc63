import type { Row } from '../../../lib/db/types.ts';

/** `provider` of the users who sign in with an email and a password (their emails are unique). */
export const LOCAL_PROVIDER = 'email';

/** A row of `auth.users`, as the code sees it. */
export interface User {
  /** Lowercase UUID. */
  id: string;
  /** Lower-cased. */
  email: string;
  /** `scrypt$...`; `null` for users provisioned from an external identity (they cannot log in by password). */
  passwordHash: string | null;
  /** `email` for our own users, else the external identity provider (e.g. `supabase`). */
  provider: string;
  externalId: string | null;
  userMetadata: Record<string, unknown>;
  emailConfirmedAt: Date | null;
  lastSignInAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** The columns every query reads, in the shape {@link toUser} takes. */
export const USER_COLUMNS =
  'id, email, password_hash, provider, external_id, user_metadata, email_confirmed_at, last_sign_in_at, created_at, updated_at';

/** `USER_COLUMNS` qualified with a table alias, for joins. */
export const userColumnsOf = (alias: string): string =>
  USER_COLUMNS.split(', ')
    .map((column) => `${alias}.${column}`)
    .join(', ');

export interface UserRow extends Row {
  id: string;
  email: string;
  password_hash: string | null;
  provider: string;
  external_id: string | null;
  user_metadata: Record<string, unknown> | string | null;
  email_confirmed_at: Date | string | null;
  last_sign_in_at: Date | string | null;
  created_at: Date | string;
  updated_at: Date | string;
}

const date = (value: Date | string): Date => (value instanceof Date ? value : new Date(value));
const dateOrNull = (value: Date | string | null): Date | null => (value === null ? null : date(value));

function metadataOf(value: UserRow['user_metadata']): Record<string, unknown> {
  const parsed: unknown = typeof value === 'string' ? JSON.parse(value) : value;
  return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
}

/**
 * Maps a row selected with {@link USER_COLUMNS} (timestamps as `Date` on both adapters, tolerated as strings).
 * @example const [row] = await db.query<UserRow>(`select ${USER_COLUMNS} from auth.users where id = $1`, [id]);
 */
export function toUser(row: UserRow): User {
  return {
    id: row.id,
    email: row.email,
    passwordHash: row.password_hash,
    provider: row.provider,
    externalId: row.external_id,
    userMetadata: metadataOf(row.user_metadata),
    emailConfirmedAt: dateOrNull(row.email_confirmed_at),
    lastSignInAt: dateOrNull(row.last_sign_in_at),
    createdAt: date(row.created_at),
    updatedAt: date(row.updated_at),
  };
}

export { isUuid } from '../../../lib/db/uuid.ts';
