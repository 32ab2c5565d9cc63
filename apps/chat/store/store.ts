import type { Db } from '../../../lib/db/types.ts';
import { schemaIdent } from './sql.ts';

/** Where the chat store lives: a database and the schema holding its tables (`chat`, or a unique one in tests). */
export interface ChatStore {
  db: Db;
  schema: string;
}

/**
 * The store handle every `store/*.ts` function takes; the schema name is checked here (and again on use).
 * @example const store = createChatStore(deps.db); await listConversations(store, userId, { limit: 20 });
 */
export function createChatStore(db: Db, schema = 'chat'): ChatStore {
  schemaIdent(schema);
  return { db, schema };
}
