import type { Migration } from '../../../lib/db/types.ts';
import { m0001Users } from './migrations/0001-users.ts';
import { m0002Access } from './migrations/0002-access.ts';
import { m0003Revocations } from './migrations/0003-revocations.ts';

/**
 * Forward-only migrations of the `auth` schema, applied in order at start-up. Never edit one that has shipped;
 * add a new file under `migrations/` and list it here.
 */
export const authMigrations: Migration[] = [m0001Users, m0002Access, m0003Revocations];
