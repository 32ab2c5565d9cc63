import { beforeEach, describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../../../lib/logging/logger.ts';
import { dbBackends } from '../../../lib/testing/db.ts';
import { createIndexer } from './indexer.ts';
import { type MemorySource, memorySource, useKbSchema } from './test-support.ts';
import type { IndexProgress } from './types.ts';

const doc = (title: string, text = 'Some text.') => `---\ntitle: ${title}\ntags: [t]\n---\n# ${title}\n${text}\n`;

describe.each(dbBackends())('indexer on $name', ({ create }) => {
  const kb = useKbSchema(create);
  let source: MemorySource;

  beforeEach(() => {
    source = memorySource();
  });

  const indexer = (batchSize = 2) => createIndexer({ db: kb.db, schema: kb.schema, source, logger: createMemoryLogger(), batchSize });
  const paths = async () =>
    (await kb.db.query<{ path: string }>(`select path from ${kb.schema}.documents order by path`)).map((r) => r.path);

  it('indexes every document, ignoring non-documents and skipping binary or malformed ones', async () => {
    const head = source.commit({
      'shared/a.md': doc('Alpha', 'Intro.\n## Part\nMore text.'),
      'shared/b.txt': 'plain text file',
      'users/u1/c.md': doc('Gamma'),
      'shared/logo.png': new Uint8Array([0x89, 0x50, 0, 0]),
      'shared/bin.md': new Uint8Array([0x61, 0, 0x62]),
      'shared/bad.md': '---\ntitle: [unclosed\n---\n',
    });
    const progress: IndexProgress[] = [];
    const report = await indexer().update((p) => progress.push(p));
    expect(report).toMatchObject({ from: null, to: head, indexed: 3, deleted: 0, skipped: 2 });
    expect(report.problems.map((p) => p.path).sort()).toEqual(['shared/bad.md', 'shared/bin.md']);
    expect(report.problems.find((p) => p.path === 'shared/bad.md')?.reason).toMatch(/Front matter line 2/);
    expect(await paths()).toEqual(['shared/a.md', 'shared/b.txt', 'users/u1/c.md']);
    expect(progress.at(-1)).toEqual({ phase: 'done', done: 5, total: 5 });
    expect(progress.filter((p) => p.phase === 'index').map((p) => p.done)).toEqual([2, 4, 5]);

    const [row] = await kb.db.query<{ namespace: string; title: string; tags: string[]; metadata: unknown; commit_sha: string }>(
      `select namespace, title, tags, metadata, commit_sha from ${kb.schema}.documents where path = 'users/u1/c.md'`,
    );
    expect(row).toEqual({ namespace: 'users/u1', title: 'Gamma', tags: ['t'], metadata: { title: 'Gamma', tags: ['t'] }, commit_sha: head });
    const chunks = await kb.db.query(`select heading, line_start, line_end from ${kb.schema}.chunks where path = 'shared/a.md' order by ordinal`);
    expect(chunks).toEqual([
      { heading: 'Alpha', line_start: 5, line_end: 6 },
      { heading: 'Alpha › Part', line_start: 7, line_end: 8 },
    ]);
    expect(await indexer().stats()).toEqual({ documents: 3, chunks: 4, commit: head, embedded: 0 });
  });

  it('updates incrementally: only changed files, deleted ones removed, broken ones dropped', async () => {
    source.commit({ 'shared/a.md': doc('A'), 'shared/b.md': doc('B'), 'shared/c.md': doc('C'), 'shared/d.md': doc('D') });
    const ix = indexer();
    await ix.update();
    const before = source.reads;
    const head = source.commit({ 'shared/a.md': doc('A2'), 'shared/b.md': null, 'shared/c.md': '---\n: :\n  - x\n---\n', 'shared/e.md': doc('E'), 'shared/x.json': '{}' });
    const report = await ix.update();
    expect(report).toMatchObject({ to: head, indexed: 2, deleted: 1, skipped: 1 });
    expect(source.reads - before).toBe(3);
    expect(await paths()).toEqual(['shared/a.md', 'shared/d.md', 'shared/e.md']);
    expect((await kb.db.query(`select title from ${kb.schema}.documents where path = 'shared/a.md'`))[0]).toEqual({ title: 'A2' });
    expect(await ix.indexedCommit()).toBe(head);
    expect(await ix.update()).toMatchObject({ from: head, to: head, indexed: 0, deleted: 0, skipped: 0 });
  });

  it('resumes after an interrupted run, re-doing only what is missing', async () => {
    const files = Object.fromEntries(Array.from({ length: 7 }, (_, i) => [`shared/doc-${i}.md`, doc(`Doc ${i}`)]));
    const head = source.commit(files);
    const ix = indexer(3);
    const controller = new AbortController();
    const aborted = ix.reindex({
      signal: controller.signal,
      onProgress: (p) => {
        if (p.phase === 'index') controller.abort(new Error('simulated crash'));
      },
    });
    await expect(aborted).rejects.toThrow('simulated crash');
    expect(await ix.indexedCommit()).toBeUndefined();
    expect((await paths()).length).toBe(3);

    const report = await ix.update();
    expect(report).toMatchObject({ from: null, to: head, indexed: 4 });
    expect((await paths()).length).toBe(7);
    expect(await ix.indexedCommit()).toBe(head);
  });

  it('reindexes everything and removes rows of files that are gone', async () => {
    source.commit({ 'shared/a.md': doc('A'), 'shared/b.md': doc('B') });
    const ix = indexer();
    await ix.update();
    await kb.db.query(
      `insert into ${kb.schema}.documents (path, title, blob_oid, commit_sha, size) values ('shared/stale.md', 'Stale', 'x', 'y', 1)`,
    );
    const report = await ix.reindex();
    expect(report).toMatchObject({ indexed: 2, deleted: 1 });
    expect(await paths()).toEqual(['shared/a.md', 'shared/b.md']);
  });

  it('serialises concurrent runs of one indexer', async () => {
    source.commit({ 'shared/a.md': doc('A'), 'shared/b.md': doc('B'), 'shared/c.md': doc('C') });
    const ix = indexer(1);
    const [first, second] = await Promise.all([ix.update(), ix.update()]);
    expect(first.indexed).toBe(3);
    expect(second.indexed).toBe(0);
  });

  it('does nothing for an empty repository', async () => {
    expect(await indexer().update()).toMatchObject({ from: null, to: null, indexed: 0 });
  });
});
