import type { SqlRunner } from '../../../lib/db/types.ts';
import { toUser, USER_COLUMNS, type User, type UserRow } from './user.ts';

async function stamp(db: SqlRunner, column: 'last_sign_in_at' | 'email_confirmed_at', userId: string, at: Date): Promise<User | null> {
  const [row] = await db.query<UserRow>(
    `update auth.users set ${column} = $2, updated_at = $2 where id = $1 returning ${USER_COLUMNS}`,
    [userId, at],
  );
  return row ? toUser(row) : null;
}

/**
 * Records a sign-in at `at`; resolves the updated user (`null` if it no longer exists).
 * @example const user = await touchLastSignIn(deps.db, user.id, new Date(deps.now()));
 */
export function touchLastSignIn(db: SqlRunner, userId: string, at: Date): Promise<User | null> {
  return stamp(db, 'last_sign_in_at', userId, at);
}

/**
 * Marks the user's email as confirmed at `at`; resolves the updated user (`null` if it no longer exists).
 * @example const user = await markEmailConfirmed(tx, userId, new Date(deps.now()));
 */
export function markEmailConfirmed(db: SqlRunner, userId: string, at: Date): Promise<User | null> {
  return stamp(db, 'email_confirmed_at', userId, at);
}
