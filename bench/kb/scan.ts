/**
 * The baseline the index replaces: search by scanning the files, as the original did with ripgrep. Every query walks
 * the working tree (skipping dot-directories such as `.git`, as ripgrep does), reads every document from disk (the OS
 * page cache helps, as it helps ripgrep) and keeps the files containing every query word, case-insensitively.
 */
import { execFile } from 'node:child_process';
import { readFileSync, readFile as readFileCallback } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** Files read at once by an asynchronous scan. */
const PARALLEL_READS = 32;

async function walk(dir: string, out: string[]): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  await Promise.all(
    entries.map(async (entry) => {
      if (entry.name.startsWith('.')) return;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path, out);
      else if (entry.isFile() && entry.name.endsWith('.md')) out.push(path);
    }),
  );
  return out;
}

const termsOf = (query: string) => query.toLowerCase().split(/\s+/).filter(Boolean);
const matches = (text: string, terms: string[]) => {
  const lower = text.toLowerCase();
  return terms.every((term) => lower.includes(term));
};

/**
 * Paths of the documents under `root` that contain every word of `query` (case-insensitive), reading the files one
 * after the other with blocking reads: the fastest a single scan goes in Node (~2× the asynchronous reads).
 * @example await scanDocuments('/tmp/kb', 'deploy staging') // ['/tmp/kb/shared/ops/doc-00003.md', ...]
 */
export async function scanDocuments(root: string, query: string): Promise<string[]> {
  const terms = termsOf(query);
  return (await walk(root, [])).filter((path) => matches(readFileSync(path, 'utf8'), terms));
}

/**
 * {@link scanDocuments} with asynchronous reads ({@link PARALLEL_READS} at a time), so concurrent scans interleave as
 * they would in a server.
 */
export async function scanDocumentsAsync(root: string, query: string): Promise<string[]> {
  const terms = termsOf(query);
  const files = await walk(root, []);
  const found: string[] = [];
  let next = 0;
  const reader = () =>
    new Promise<void>((resolve, reject) => {
      const step = () => {
        const path = files[next++];
        if (path === undefined) return resolve();
        // The callback API: several times faster than fs/promises' readFile for small files.
        readFileCallback(path, 'utf8', (err, text) => {
          if (err) return reject(err);
          if (matches(text, terms)) found.push(path);
          step();
        });
      };
      step();
    });
  await Promise.all(Array.from({ length: PARALLEL_READS }, reader));
  return found;
}

/** Whether ripgrep is installed. */
export function hasRipgrep(): Promise<boolean> {
  return new Promise((resolve) => execFile('rg', ['--version'], (err) => resolve(!err)));
}

/**
 * ripgrep itself: files containing ANY query word (`rg -i -F -l -e w1 -e w2`; ripgrep has no "all words" mode for
 * files, so this does a little less filtering than {@link scanDocuments}).
 */
export function ripgrepDocuments(root: string, query: string): Promise<string[]> {
  const args = ['--ignore-case', '--fixed-strings', '--files-with-matches', '--glob', '*.md'];
  for (const term of query.split(/\s+/).filter(Boolean)) args.push('-e', term);
  return new Promise((resolve, reject) =>
    execFile('rg', [...args, root], { maxBuffer: 64 * 1024 * 1024 }, (err, stdout) => {
      // Exit code 1: no match.
      if (err && err.code !== 1) return reject(err);
      resolve(stdout.split('\n').filter(Boolean));
    }),
  );
}
