import type { SqlRunner } from '../../../lib/db/types.ts';
import { normalizeEmail } from './email.ts';
import { DEFAULT_ROLE } from './roles.ts';
import { toUser, USER_COLUMNS, type User, type UserRow } from './user.ts';

export interface NewUser {
  email: string;
  /** From `PasswordHasher.hash`, never the password itself; `null` for users who cannot log in by password. */
  passwordHash: string | null;
  /** Default `email`. */
  provider?: string;
  userMetadata?: Record<string, unknown>;
  /** Set when the address needs no confirmation. */
  emailConfirmedAt?: Date | null;
  /** Creation time; default the database's clock. */
  at?: Date;
}

/**
 * Inserts a user with role `user` in one statement. Resolves `null` when the email is already taken (also when a
 * concurrent registration won the race).
 * @example const user = await createUser(deps.db, { email, passwordHash: await hasher.hash(password) });
 */
export async function createUser(db: SqlRunner, input: NewUser): Promise<User | null> {
  const [row] = await db.query<UserRow>(
    `with inserted as (
       insert into auth.users (email, password_hash, provider, user_metadata, email_confirmed_at, created_at, updated_at)
       values ($1, $2, $3, $4, $5, coalesce($6::timestamptz, now()), coalesce($6::timestamptz, now()))
       on conflict (email) where provider = 'email' do nothing
       returning ${USER_COLUMNS}
     ), granted as (
       insert into auth.user_roles (user_id, role) select id, $7 from inserted
     )
     select ${USER_COLUMNS} from inserted`,
    [
      normalizeEmail(input.email),
      input.passwordHash,
      input.provider ?? 'email',
      input.userMetadata ?? {},
      input.emailConfirmedAt ?? null,
      input.at ?? null,
      DEFAULT_ROLE,
    ],
  );
  return row ? toUser(row) : null;
}
