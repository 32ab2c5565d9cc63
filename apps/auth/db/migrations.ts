import type { Migration } from '../../../lib/db/types.ts';

/** Forward-only migrations of the `auth` schema, applied in order at start-up. Never edit one that has shipped. */
export const authMigrations: Migration[] = [];
