/**
 * Index child process of the kb benchmark: `tsx bench/kb/index-run.ts <dbTarget> <repoDir> <count> <seed> <revision> <changes>`.
 * On a fresh database (a `postgres://` URL or a PGlite data directory): migrates the kb schema, opens the repository
 * as the service does, indexes it fully (the first `update`), then commits `changes` re-written documents and runs
 * the incremental `update`. Prints one JSON line ({@link IndexRunResult}).
 */
import * as fs from 'node:fs';
import { migrate } from '../../lib/db/migrate.ts';
import { createMemoryLogger } from '../../lib/logging/logger.ts';
import { kbMigrationsFor } from '../../apps/kb/db/migrations.ts';
import { openKbRepo } from '../../apps/kb/git/repo.ts';
import { createIndexer } from '../../apps/kb/search/indexer.ts';
import { changeDocuments, defineCorpus } from './corpus.ts';
import { openDb } from './database.ts';

export interface IndexRunResult {
  backend: 'postgres' | 'pglite';
  openMs: number;
  full: { indexed: number; ms: number; documents: number; chunks: number };
  incremental: { changed: number; indexed: number; deleted: number; ms: number; commitMs: number };
  maxRssMb: number;
}

const [target, dir, countArg, seedArg, revisionArg, changesArg] = process.argv.slice(2);
if (!target || !dir) throw new Error('usage: index-run.ts <dbTarget> <repoDir> <count> <seed> <revision> <changes>');
const corpus = defineCorpus({ count: Number(countArg), seed: Number(seedArg) });
const logger = createMemoryLogger('info');
const db = await openDb(target);
try {
  await migrate(db, 'kb', kbMigrationsFor('kb'), logger);
  let started = performance.now();
  const repo = await openKbRepo({ fs, dir, branch: 'main', logger });
  const openMs = performance.now() - started;
  const indexer = createIndexer({ db, schema: 'kb', source: repo, logger });

  started = performance.now();
  const full = await indexer.update();
  const fullMs = performance.now() - started;
  const stats = await indexer.stats();
  process.stderr.write(`    full index: ${full.indexed} documents in ${(fullMs / 1000).toFixed(1)} s\n`);

  started = performance.now();
  const changed = await changeDocuments(dir, corpus, Number(changesArg), Number(revisionArg));
  const commitMs = performance.now() - started;
  started = performance.now();
  const incremental = await indexer.update();
  const incrementalMs = performance.now() - started;

  const result: IndexRunResult = {
    backend: db.kind,
    openMs,
    full: { indexed: full.indexed, ms: fullMs, documents: stats.documents, chunks: stats.chunks },
    incremental: { changed: changed.length, indexed: incremental.indexed, deleted: incremental.deleted, ms: incrementalMs, commitMs },
    maxRssMb: process.resourceUsage().maxRSS / 1024,
  };
  console.log(JSON.stringify(result));
} finally {
  await db.close();
}
