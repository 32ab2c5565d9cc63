import { z } from 'zod';
import type { ServiceClient } from '../../../lib/service/types.ts';
import { defineTool, type Tool, type ToolOutput, toolError, toolJson } from './types.ts';

export interface KbToolsOptions {
  /** Longest document text `kb_read` returns, in characters (default 24 000); longer ones are cut and flagged. */
  maxReadChars?: number;
}

const SEGMENT_RULE = 'must be repository-relative (no leading /, no . or .. segments, no backslashes)';
const relativePath = (path: string) => !path.startsWith('/') && !path.includes('\\') && path.split('/').every((s) => s !== '.' && s !== '..');

const DocumentPath = z.string().trim().min(1).max(512).refine(relativePath, SEGMENT_RULE);
const FolderPath = z
  .string()
  .trim()
  .max(512)
  .transform((path) => path.replace(/\/+$/, ''))
  .refine((path) => path === '' || relativePath(path), SEGMENT_RULE);

const SearchArgs = z.object({
  query: z.string().trim().min(1).max(500).describe('What to look for; "exact phrase", or and -exclude work'),
  mode: z.enum(['fulltext', 'semantic', 'hybrid']).optional().describe('Default: hybrid when available, else fulltext'),
  match: z.enum(['all', 'any']).optional().describe('all (default): every word must match; any: any meaningful word, best matches first (for questions)'),
  limit: z.number().int().min(1).max(20).default(5).describe('Most results (default 5)'),
  namespace: z.string().max(200).optional().describe('Only `shared`, `users/<id>` or `teams/<id>`'),
  path: FolderPath.optional().describe('Only documents under this folder'),
});

const ReadArgs = z.object({ path: DocumentPath.describe('Document path, e.g. shared/guides/setup.md') });

const ListArgs = z.object({ path: FolderPath.default('').describe("Folder to list; '' (default) is the root") });

const ContextArgs = z
  .object({
    query: z.string().trim().min(1).max(2000).optional().describe('What the passages should be about'),
    match: z.enum(['all', 'any']).optional().describe('all (default): every word must match; any: any meaningful word, best first (for questions)'),
    path: DocumentPath.optional().describe("Or: one document's passages, in order"),
    max_tokens: z.number().int().min(50).max(8000).default(2000).describe('Budget for all passages (default 2000)'),
  })
  .refine((args) => (args.query === undefined) !== (args.path === undefined), { message: 'give either query or path' });

type Json = Record<string, unknown>;
type KbAnswer = { ok: true; body: Json } | { ok: false; output: ToolOutput };

/** One call to the kb service; its error envelope (or a failure to reach it) becomes a tool error. */
async function callKb(kb: ServiceClient, path: string, signal: AbortSignal, body?: unknown): Promise<KbAnswer> {
  let res: Response;
  try {
    res = await kb.fetch(
      new Request(`http://kb${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal,
      }),
    );
  } catch (err) {
    return { ok: false, output: toolError(`KB_UNAVAILABLE: the knowledge base could not be reached (${err instanceof Error ? err.message : String(err)})`) };
  }
  const parsed = (await res.json().catch(() => null)) as Json | null;
  if (res.ok && parsed !== null && typeof parsed === 'object') return { ok: true, body: parsed };
  const error = (parsed?.error ?? null) as { code?: unknown; message?: unknown } | null;
  if (error && typeof error.code === 'string') return { ok: false, output: toolError(`${error.code}: ${String(error.message ?? '')}`) };
  return { ok: false, output: toolError(`KB_ERROR: the knowledge base answered HTTP ${res.status}`) };
}

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };

/** A search snippet as plain text: highlights dropped, HTML entities decoded. */
const plain = (snippet: string) => snippet.replace(/<\/?mark>/g, '').replace(/&(?:amp|lt|gt|quot|#39);/g, (e) => ENTITIES[e]!);

const lines = (item: Json) => `${item.line_start}-${item.line_end}`;
const items = (value: unknown) => (Array.isArray(value) ? (value as Json[]) : []);

/**
 * The knowledge base as chat tools (`kb_search`, `kb_read`, `kb_list`, `kb_context`). `kb` must already carry the
 * caller's identity (`withIdentity(kbClient, tokens, principal)`), so the KB's RBAC decides what the model sees.
 * Results are compact JSON; KB errors (403, 404, 503…) are tool errors naming the KB's code and message.
 * @example const tools = kbTools(withIdentity(services.kb, tokens, principal));
 */
export function kbTools(kb: ServiceClient, options: KbToolsOptions = {}): Tool[] {
  const maxReadChars = options.maxReadChars ?? 24_000;
  return [
    defineTool({
      name: 'kb_search',
      description: 'Search the knowledge base (documents you may read). Returns path, title, heading, a snippet and the line range of each match, best first.',
      source: 'kb',
      schema: SearchArgs,
      async run(args, { signal }) {
        const query = new URLSearchParams({ q: args.query, limit: String(args.limit) });
        if (args.mode) query.set('mode', args.mode);
        if (args.match) query.set('match', args.match);
        if (args.namespace) query.set('namespace', args.namespace);
        if (args.path) query.set('path', args.path);
        const answer = await callKb(kb, `/api/v1/kb/search?${query}`, signal);
        if (!answer.ok) return answer.output;
        const results = items(answer.body.results).map((r) => ({ path: r.path, title: r.title, heading: r.heading, lines: lines(r), snippet: plain(String(r.snippet ?? '')) }));
        return toolJson({ query: args.query, results });
      },
    }),
    defineTool({
      name: 'kb_read',
      description: 'Read one knowledge-base document: title, tags and its markdown content.',
      source: 'kb',
      schema: ReadArgs,
      async run({ path }, { signal }) {
        const encoded = path.split('/').map(encodeURIComponent).join('/');
        const answer = await callKb(kb, `/api/v1/kb/documents/${encoded}`, signal);
        if (!answer.ok) return answer.output;
        const { title, tags } = answer.body;
        const content = String(answer.body.content ?? '');
        const truncated = content.length > maxReadChars;
        return toolJson({ path, title, tags, content: truncated ? content.slice(0, maxReadChars) : content, ...(truncated ? { truncated: true, total_chars: content.length } : {}) });
      },
    }),
    defineTool({
      name: 'kb_list',
      description: "List one folder of the knowledge base (folders first, then documents with their titles). '' is the root.",
      source: 'kb',
      schema: ListArgs,
      async run({ path }, { signal }) {
        const answer = await callKb(kb, `/api/v1/kb/tree?${new URLSearchParams({ path })}`, signal);
        if (!answer.ok) return answer.output;
        const entries = items(answer.body.entries).map((e) => (e.type === 'dir' ? { path: e.path, type: 'dir' } : { path: e.path, type: 'file', title: e.title }));
        return toolJson({ path: answer.body.path, entries });
      },
    }),
    defineTool({
      name: 'kb_context',
      description: 'The knowledge-base passages most relevant to a query (or one document, in order), packed into a token budget, each with its source path, heading and line range.',
      source: 'kb',
      schema: ContextArgs,
      async run(args, { signal }) {
        const answer = await callKb(kb, '/api/v1/kb/context', signal, args);
        if (!answer.ok) return answer.output;
        const passages = items(answer.body.passages).map((p) => ({ path: p.path, title: p.title, heading: p.heading, line_start: p.line_start, line_end: p.line_end, text: p.text }));
        return toolJson({ passages, truncated: answer.body.truncated });
      },
    }),
  ];
}
