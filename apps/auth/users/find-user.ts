import type { SqlRunner } from '../../../lib/db/types.ts';
import { normalizeEmail } from './email.ts';
import { isUuid, toUser, USER_COLUMNS, type User, type UserRow } from './user.ts';

async function findOne(db: SqlRunner, where: string, value: string): Promise<User | null> {
  const [row] = await db.query<UserRow>(`select ${USER_COLUMNS} from auth.users where ${where} = $1`, [value]);
  return row ? toUser(row) : null;
}

/**
 * The user with this email (compared normalised), or `null`.
 * @example const user = await findUserByEmail(deps.db, 'Ada@example.com');
 */
export function findUserByEmail(db: SqlRunner, email: string): Promise<User | null> {
  return findOne(db, 'email', normalizeEmail(email));
}

/**
 * The user with this id, or `null` (also for a string that is not a UUID).
 * @example const user = await findUserById(deps.db, principal.userId);
 */
export async function findUserById(db: SqlRunner, id: string): Promise<User | null> {
  return isUuid(id) ? findOne(db, 'id', id.toLowerCase()) : null;
}

/**
 * The user provisioned for this external identity, or `null`.
 * @example const user = await findUserByExternalId(deps.db, 'github|42');
 */
export function findUserByExternalId(db: SqlRunner, externalId: string): Promise<User | null> {
  return findOne(db, 'external_id', externalId);
}
