import { migrate } from '../../../lib/db/migrate.ts';
import type { Db } from '../../../lib/db/types.ts';
import { uniqueSchema } from '../../../lib/testing/db.ts';
import { chatMigrationsFor } from '../db/migrations.ts';
import { type ChatStore, createChatStore } from './store.ts';

/**
 * A chat store in a fresh, migrated schema (`chat_<hex>`); drop it with `dropSchema(db, store.schema)`.
 * @example beforeEach(async () => { store = await chatTestStore(db); });
 */
export async function chatTestStore(db: Db): Promise<ChatStore> {
  const schema = uniqueSchema('chat');
  await migrate(db, schema, chatMigrationsFor(schema));
  return createChatStore(db, schema);
}
