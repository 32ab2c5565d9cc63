import { migrate } from '../../../lib/db/migrate.ts';
import type { Db } from '../../../lib/db/types.ts';
import { useDbFixture } from '../../../lib/testing/db-fixture.ts';
import { dropSchema, uniqueSchema } from '../../../lib/testing/db.ts';
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

export interface ChatStoreFixture {
  /** The suite's database (opened in `beforeAll`, closed in `afterAll`). */
  readonly db: Db;
  /** This test's store, in a fresh schema (made in `beforeEach`, dropped in `afterEach`). */
  readonly store: ChatStore;
}

/**
 * Registers the hooks of a chat store suite on `create()`'s database: one Db per suite, a fresh store (schema) per
 * test. Call it inside a `describe`; read `db`/`store` only inside tests and hooks.
 * @example
 * describe.each(dbBackends())('conversations on $name', ({ create }) => {
 *   const chat = useChatStore(create);
 *   it('creates', async () => { await createConversation(chat.store, userId); });
 * });
 */
export function useChatStore(create: () => Promise<Db>): ChatStoreFixture {
  const fixture = useDbFixture(create, { setup: chatTestStore, teardown: (db, store) => dropSchema(db, store.schema) });
  return {
    get db() {
      return fixture.db;
    },
    get store() {
      return fixture.current;
    },
  };
}
