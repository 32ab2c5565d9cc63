import { createHash } from 'node:crypto';
import { beforeEach } from 'vitest';
import { migrate } from '../../../lib/db/migrate.ts';
import type { Db } from '../../../lib/db/types.ts';
import { createMemoryLogger } from '../../../lib/logging/logger.ts';
import { useDbFixture } from '../../../lib/testing/db-fixture.ts';
import { dropSchema, uniqueSchema } from '../../../lib/testing/db.ts';
import { kbMigrationsFor } from '../db/migrations.ts';
import type { FileChange } from '../git/types.ts';
import { createIndexer } from './indexer.ts';
import type { IndexSource } from './types.ts';

const sha1 = (data: Uint8Array | string) => createHash('sha1').update(data).digest('hex');

type Tree = Map<string, { content: Uint8Array; oid: string }>;

/** An in-memory repository for indexer tests: a list of commits, each a full tree. */
export interface MemorySource extends IndexSource {
  /** Applies changes on top of head (`null` deletes) as a new commit; returns its sha. */
  commit(files: Record<string, string | Uint8Array | null>): string;
  /** readFile calls so far. */
  readonly reads: number;
}

/**
 * An {@link IndexSource} over commits kept in memory; `changedFiles` compares the two trees.
 * @example const source = memorySource(); source.commit({ 'shared/a.md': '# A' }); await indexer.update();
 */
export function memorySource(): MemorySource {
  const commits = new Map<string, Tree>();
  let head: string | undefined;
  let reads = 0;
  const tree = (ref: string | undefined): Tree => {
    const found = commits.get(ref ?? head ?? '');
    if (!found) throw new Error(`Unknown commit ${ref}`);
    return found;
  };
  return {
    get reads() {
      return reads;
    },
    commit(files) {
      const next: Tree = new Map(head ? tree(head) : []);
      for (const [path, content] of Object.entries(files)) {
        if (content === null) next.delete(path);
        else {
          const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : content;
          next.set(path, { content: bytes, oid: sha1(bytes) });
        }
      }
      head = sha1(`${commits.size}:${head}`);
      commits.set(head, next);
      return head;
    },
    head: async () => head,
    async changedFiles(from, to) {
      const before: Tree = from === undefined ? new Map() : tree(from);
      const after = tree(to);
      const changes: FileChange[] = [];
      for (const [path, file] of after) {
        const old = before.get(path);
        if (!old) changes.push({ path, kind: 'added', oid: file.oid });
        else if (old.oid !== file.oid) changes.push({ path, kind: 'modified', oid: file.oid });
      }
      for (const path of before.keys()) if (!after.has(path)) changes.push({ path, kind: 'deleted' });
      return changes;
    },
    async readFile(path, ref) {
      reads++;
      return tree(ref).get(path);
    },
  };
}

/**
 * A fresh kb schema with its migrations applied (drop it with `dropSchema`).
 * @example const schema = await kbTestSchema(db);
 */
export async function kbTestSchema(db: Db): Promise<string> {
  const schema = uniqueSchema('kb');
  await migrate(db, schema, kbMigrationsFor(schema));
  return schema;
}

export interface KbSchemaFixture {
  /** The suite's database (opened in `beforeAll`, closed in `afterAll`). */
  readonly db: Db;
  /** This test's kb schema, fresh and migrated (made in `beforeEach`, dropped in `afterEach`). */
  readonly schema: string;
}

/**
 * Registers the hooks of a kb search suite on `create()`'s database: one Db per suite, a fresh kb schema per test;
 * with `indexed`, each test starts with those files committed to a {@link memorySource} and indexed (full text).
 * Call it inside a `describe`; read `db`/`schema` only inside tests and hooks.
 * @example
 * describe.each(dbBackends())('search on $name', ({ create }) => {
 *   const kb = useKbSchema(create, { indexed: { 'shared/a.md': '# A' } });
 *   it('finds', async () => { await searchDocuments({ db: kb.db, schema: kb.schema, vectors: false }, query, scope); });
 * });
 */
export function useKbSchema(create: () => Promise<Db>, options: { indexed?: Record<string, string> } = {}): KbSchemaFixture {
  const fixture = useDbFixture(create, { setup: kbTestSchema, teardown: dropSchema });
  const { indexed } = options;
  if (indexed) {
    beforeEach(async () => {
      const source = memorySource();
      source.commit(indexed);
      await createIndexer({ db: fixture.db, schema: fixture.current, source, logger: createMemoryLogger() }).update();
    });
  }
  return {
    get db() {
      return fixture.db;
    },
    get schema() {
      return fixture.current;
    },
  };
}
