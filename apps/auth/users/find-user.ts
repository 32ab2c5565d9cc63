import type { SqlRunner } from '../../../lib/db/types.ts';
import { normalizeEmail } from './email.ts';
import { isUuid, LOCAL_PROVIDER, toUser, USER_COLUMNS, type User, type UserRow } from './user.ts';

async function findOne(db: SqlRunner, where: string, value: string): Promise<User | null> {
  const [row] = await db.query<UserRow>(`select ${USER_COLUMNS} from auth.users where ${where}`, [value]);
  return row ? toUser(row) : null;
}

/**
 * The user who signs in with this email and a password (compared normalised), or `null`. Users of external
 * identities may carry the same address; they are never found (nor merged) by it.
 * @example const user = await findUserByEmail(deps.db, 'Ada@example.com');
 */
export function findUserByEmail(db: SqlRunner, email: string): Promise<User | null> {
  return findOne(db, `email = $1 and provider = '${LOCAL_PROVIDER}'`, normalizeEmail(email));
}

/**
 * The user with this id, or `null` (also for a string that is not a UUID).
 * @example const user = await findUserById(deps.db, principal.userId);
 */
export async function findUserById(db: SqlRunner, id: string): Promise<User | null> {
  return isUuid(id) ? findOne(db, 'id = $1', id.toLowerCase()) : null;
}
