/**
 * The benchmark's knowledge base: `count` Markdown documents of ~1 KB (YAML front matter with a title and tags, 2-4
 * `##` sections of Zipf-distributed words) under `shared/<topic>/`, committed with the git CLI, and the queries a
 * reader would type. Everything follows from the seed.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { prng, STOP_WORDS, vocabulary, zipf } from './vocabulary.ts';

const run = promisify(execFile);

export const TOPICS = [
  'engineering',
  'operations',
  'security',
  'finance',
  'people',
  'sales',
  'marketing',
  'legal',
  'support',
  'product',
  'design',
  'data',
  'infrastructure',
  'platform',
  'mobile',
  'billing',
  'compliance',
  'facilities',
  'research',
  'partners',
] as const;
const TAGS = ['howto', 'policy', 'reference', 'runbook', 'onboarding', 'security', 'ops', 'finance', 'hr', 'faq', 'draft', 'archived'];
const VOCABULARY_SIZE = 4000;
const TOPIC_WORDS = 40;
/** Share of words drawn from the document's topic rather than the whole vocabulary. */
const TOPIC_SHARE = 0.15;
const TARGET_BYTES = 900;

export interface CorpusOptions {
  count: number;
  seed: number;
}

export interface Corpus extends CorpusOptions {
  words: string[];
  /** Repository-relative path of document `i`. */
  path(i: number): string;
  /** Document `i`'s text; `revision` > 0 gives a re-written version of it. */
  render(i: number, revision?: number): string;
}

const capitalise = (w: string) => w.charAt(0).toUpperCase() + w.slice(1);

/**
 * The corpus definition (nothing written yet).
 * @example const corpus = defineCorpus({ count: 10_000, seed: 42 }); corpus.render(0)
 */
export function defineCorpus(options: CorpusOptions): Corpus {
  const words = vocabulary(VOCABULARY_SIZE, options.seed);
  const topicRand = prng(options.seed ^ 0x7091c);
  // Each topic favours some mid-frequency and rare terms (its jargon).
  const topicWords = TOPICS.map(() =>
    Array.from({ length: TOPIC_WORDS }, () => words[300 + Math.floor(topicRand() * (VOCABULARY_SIZE - 300))]!),
  );
  const rank = zipf(VOCABULARY_SIZE, 1.0, 2.7);
  const path = (i: number) => `shared/${TOPICS[i % TOPICS.length]}/doc-${String(Math.floor(i / TOPICS.length)).padStart(5, '0')}.md`;

  function render(i: number, revision = 0): string {
    const rand = prng(options.seed * 1_000_003 + i * 7919 + revision * 104_729);
    const topic = topicWords[i % TOPICS.length]!;
    const word = () => (rand() < TOPIC_SHARE ? topic[Math.floor(rand() * topic.length)]! : words[rank(rand)]!);
    const content = () => {
      let w = word();
      while (STOP_WORDS.includes(w)) w = word();
      return w;
    };
    const sentence = () => {
      const n = 6 + Math.floor(rand() * 9);
      const parts = Array.from({ length: n }, word);
      return `${capitalise(parts.join(' '))}.`;
    };
    const phrase = (n: number) => Array.from({ length: n }, content);
    const title = capitalise(phrase(3 + Math.floor(rand() * 4)).join(' '));
    const tags = [...new Set(Array.from({ length: 1 + Math.floor(rand() * 3) }, () => TAGS[Math.floor(rand() * TAGS.length)]!))];
    const head = `---\ntitle: ${title}\ntags: [${tags.join(', ')}]\n---\n\n`;
    const sections = 2 + Math.floor(rand() * 3);
    const perSection = (TARGET_BYTES - head.length) / sections;
    let body = '';
    for (let s = 0; s < sections; s++) {
      let section = `## ${capitalise(phrase(2 + Math.floor(rand() * 3)).join(' '))}\n\n`;
      let paragraph = '';
      while (section.length + paragraph.length < perSection) {
        paragraph += (paragraph ? ' ' : '') + sentence();
        if (paragraph.length > 300 && rand() < 0.4) {
          section += `${paragraph}\n\n`;
          paragraph = '';
        }
      }
      body += section + (paragraph ? `${paragraph}\n\n` : '');
    }
    return head + body;
  }

  return { ...options, words, path, render };
}

async function git(dir: string, ...args: string[]): Promise<void> {
  const config = ['commit.gpgsign=false', 'core.autocrlf=false', 'user.name=Bench', 'user.email=bench@example.com'];
  await run('git', [...config.flatMap((c) => ['-c', c]), ...args], { cwd: dir, maxBuffer: 64 * 1024 * 1024 });
}

/**
 * Writes every document into `dir` and commits them on `main` in one commit, streamed through `git fast-import`
 * (one pack, as after a clone: thousands of loose objects would take seconds to write), then fills the index from
 * the working tree. Returns the bytes written.
 * @example await writeCorpus('/tmp/kb', defineCorpus({ count: 10_000, seed: 42 }));
 */
export async function writeCorpus(dir: string, corpus: Corpus): Promise<number> {
  await Promise.all(TOPICS.map((topic) => mkdir(join(dir, 'shared', topic), { recursive: true })));
  await git(dir, 'init', '-q', '-b', 'main');
  const importer = spawn('git', ['fast-import', '--quiet'], { cwd: dir, stdio: ['pipe', 'ignore', 'inherit'] });
  const imported = new Promise<void>((resolve, reject) =>
    importer.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`git fast-import exited with ${code}`)))),
  );
  const message = `bench corpus: ${corpus.count} documents\n`;
  const stream = [`commit refs/heads/main\ncommitter Bench <bench@example.com> 1700000000 +0000\ndata ${message.length}\n${message}`];
  let bytes = 0;
  const writes: Promise<void>[] = [];
  for (let i = 0; i < corpus.count; i++) {
    const text = corpus.render(i);
    const size = Buffer.byteLength(text);
    bytes += size;
    stream.push(`M 100644 inline ${corpus.path(i)}\ndata ${size}\n${text}\n`);
    writes.push(writeFile(join(dir, corpus.path(i)), text));
    if (writes.length >= 256) await Promise.all(writes.splice(0));
  }
  await Promise.all(writes);
  importer.stdin.end(stream.join(''));
  await imported;
  await git(dir, 'reset', '-q');
  return bytes;
}

/**
 * Re-writes `n` documents spread over the corpus (revision `revision` of each) and commits them. Returns their paths.
 * @example await changeDocuments('/tmp/kb', corpus, 100, 1);
 */
export async function changeDocuments(dir: string, corpus: Corpus, n: number, revision: number): Promise<string[]> {
  const step = Math.floor(corpus.count / n);
  // `+ k` moves each pick to the next topic folder.
  const indices = Array.from({ length: n }, (_, k) => (k * step + k + revision * 7) % corpus.count);
  await Promise.all(indices.map((i) => writeFile(join(dir, corpus.path(i)), corpus.render(i, revision))));
  await git(dir, 'add', '-A');
  await git(dir, 'commit', '-q', '-m', `bench: revise ${n} documents (revision ${revision})`);
  return indices.map(corpus.path);
}

/**
 * `n` search queries of 1-3 words (40/40/20 %), each word common (50 %: the 200 most frequent content words),
 * mid-frequency (30 %: ranks 200-1500) or rare (20 %: the tail), never a stop word.
 * @example defineQueries(corpus, 60) // ['deploy', 'vendor tiaxbrou', ...]
 */
export function defineQueries(corpus: Corpus, n: number): string[] {
  const rand = prng(corpus.seed ^ 0x51ee7);
  const first = STOP_WORDS.length;
  const band = (from: number, to: number) => corpus.words[from + Math.floor(rand() * (to - from))]!;
  const term = () => {
    const x = rand();
    if (x < 0.5) return band(first, first + 200);
    if (x < 0.8) return band(first + 200, 1500);
    return band(1500, corpus.words.length);
  };
  return Array.from({ length: n }, () => {
    const x = rand();
    const size = x < 0.4 ? 1 : x < 0.8 ? 2 : 3;
    return [...new Set(Array.from({ length: size }, term))].join(' ');
  });
}
