import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { ApiError } from '../../../lib/errors/api-error.ts';
import { VERSION } from '../../../lib/version.ts';
import type { KbAccess } from '../access/access.ts';
import { listTree, type KbOps, readDocument, searchKb, writeDocument } from '../docs/operations.ts';

const text = (value: unknown): CallToolResult => ({
  content: [{ type: 'text', text: typeof value === 'string' ? value : JSON.stringify(value, null, 2) }],
});

/** Runs a tool; our errors become tool errors (`isError`) naming the code, never protocol failures. */
async function tool(run: () => Promise<unknown>): Promise<CallToolResult> {
  try {
    return text(await run());
  } catch (err) {
    if (err instanceof ApiError) return { ...text(`${err.code}: ${err.message}`), isError: true };
    throw err;
  }
}

/**
 * The knowledge base as MCP tools (`search`, `read`, `list`, `write`) for ONE caller: every tool goes through the
 * same operations and access checks as the HTTP routes, so RBAC holds for MCP clients too.
 * @example const server = createKbMcpServer(deps.ops, access); await server.connect(transport);
 */
export function createKbMcpServer(ops: KbOps, access: KbAccess): McpServer {
  const server = new McpServer({ name: 'gaia-kb', version: VERSION });
  server.registerTool(
    'search',
    {
      description: 'Search the knowledge base (what you may read). Returns path, title, heading, snippet, score and line range.',
      inputSchema: {
        query: z.string().min(1).max(500),
        mode: z.enum(['fulltext', 'semantic', 'hybrid']).optional(),
        match: z.enum(['all', 'any']).optional().describe('all (default): every word, as a web search; any: any meaningful word, best first'),
        namespace: z.string().max(200).optional(),
        limit: z.number().int().min(1).max(50).optional(),
      },
      annotations: { readOnlyHint: true },
    },
    ({ query, mode, match, namespace, limit }) =>
      tool(() =>
        searchKb(ops, access, {
          q: query,
          mode: mode ?? (ops.kb.runtime().semantic ? 'hybrid' : 'fulltext'),
          ...(match ? { match } : {}),
          limit: limit ?? 10,
          ...(namespace ? { namespace } : {}),
        }),
      ),
  );
  server.registerTool(
    'read',
    {
      description: 'Read one document: content, front matter, blob sha and last commit.',
      inputSchema: { path: z.string().min(1).max(512) },
      annotations: { readOnlyHint: true },
    },
    ({ path }) => tool(() => readDocument(ops, access, path)),
  );
  server.registerTool(
    'list',
    {
      description: "List one folder of the knowledge base ('' = root), with document titles.",
      inputSchema: { path: z.string().max(512).optional() },
      annotations: { readOnlyHint: true },
    },
    ({ path }) => tool(() => listTree(ops, access, path ?? '')),
  );
  server.registerTool(
    'write',
    {
      description: 'Create or replace a markdown document as one commit authored by you. Pass `sha` to update only that version.',
      inputSchema: {
        path: z.string().min(1).max(512),
        content: z.string(),
        message: z.string().min(1).max(2000).optional(),
        sha: z.string().regex(/^[0-9a-f]{40}$/).optional(),
      },
    },
    ({ path, content, message, sha }) => tool(() => writeDocument(ops, access, path, { content, message, ifMatch: sha })),
  );
  return server;
}
