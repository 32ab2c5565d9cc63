import { chunkDocument } from '../docs/chunk.ts';
import { FrontMatterError, isBinary, parseDocument } from '../docs/front-matter.ts';
import { namespaceOf } from '../docs/paths.ts';
import type { PreparedDocument } from './index-store.ts';
import type { IndexSource } from './types.ts';

export type Prepared =
  | { kind: 'document'; doc: PreparedDocument }
  | { kind: 'problem'; path: string; reason: string }
  | { kind: 'missing'; path: string };

const decoder = new TextDecoder();

/** By blob sha when the source can and the sha is known (the changed-file list has it), else by path. */
async function readSource(source: IndexSource, path: string, ref: string, oid: string | undefined) {
  if (oid !== undefined && source.readBlob) {
    const content = await source.readBlob(oid);
    if (content) return { content, oid };
  }
  return source.readFile(path, ref);
}

/**
 * Reads a file at `ref` and turns it into a document to write, a problem (binary, too large, bad front matter), or
 * `missing` when it is no longer there.
 * @example const prepared = await prepareFile(source, 'shared/a.md', head, { maxFileBytes: 1 << 20 });
 */
export async function prepareFile(
  source: IndexSource,
  path: string,
  ref: string,
  options: { maxFileBytes?: number | undefined; oid?: string | undefined } = {},
): Promise<Prepared> {
  const file = await readSource(source, path, ref, options.oid);
  if (!file) return { kind: 'missing', path };
  const { content, oid } = file;
  if (options.maxFileBytes !== undefined && content.byteLength > options.maxFileBytes) {
    return { kind: 'problem', path, reason: `The file is larger than ${options.maxFileBytes} bytes` };
  }
  // PostgreSQL text cannot hold NUL, wherever it is (isBinary looks at the first 8 KB only).
  if (isBinary(content) || content.includes(0)) return { kind: 'problem', path, reason: 'The file is binary (or not valid UTF-8)' };
  try {
    const parsed = parseDocument(path, decoder.decode(content));
    return {
      kind: 'document',
      doc: {
        path,
        namespace: namespaceOf(path),
        title: parsed.title,
        tags: parsed.tags,
        metadata: parsed.metadata,
        oid,
        size: content.byteLength,
        chunks: chunkDocument(parsed),
      },
    };
  } catch (err) {
    if (err instanceof FrontMatterError) return { kind: 'problem', path, reason: err.message };
    throw err;
  }
}
