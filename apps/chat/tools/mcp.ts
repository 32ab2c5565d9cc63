import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { type Logger, silentLogger } from '../../../lib/logging/index.ts';
import { VERSION } from '../../../lib/version.ts';
import { raceAbort } from './abort.ts';
import { allowedBy } from './filter.ts';
import { type Tool, type ToolContext, type ToolOutput, toolError } from './types.ts';

export const McpServerConfigSchema = z.object({
  name: z
    .string()
    .regex(/^[a-zA-Z0-9](?:[a-zA-Z0-9-]|_(?!_)){0,31}$/, 'must be an identifier: letters, digits, - and single _, at most 32 characters')
    .describe('Namespace of the tools: `<name>__<tool>`'),
  url: z.url({ protocol: /^https?$/ }),
  headers: z.record(z.string(), z.string()).optional(),
  allowTools: z.array(z.string().min(1)).optional().describe('Tool names (or `prefix*`) to offer; absent = all'),
  timeoutMs: z.number().int().min(1).max(600_000).optional(),
});

/** One MCP server offered as a tool source. */
export type McpServerConfig = z.infer<typeof McpServerConfigSchema>;

/** The `MCP_SERVERS` list: each server valid, names unique. */
export const McpServersSchema = z
  .array(McpServerConfigSchema)
  .refine((servers) => new Set(servers.map((s) => s.name)).size === servers.length, 'server names must be unique');

export interface McpToolsOptions {
  logger?: Logger;
  /** How long a server's tool list is reused (default 60 000 ms). */
  cacheTtlMs?: number;
  /** How long a server that failed to list is left out before it is tried again (default 10 000 ms). */
  failureTtlMs?: number;
  /** Per-request timeout when the server's config has none (default 10 000 ms). */
  defaultTimeoutMs?: number;
  /** The fetch the transport uses (tests, or an HTTP client with a connection pool). */
  fetch?: FetchLike;
  now?: () => number;
}

export interface McpServerStatus {
  name: string;
  url: string;
  /** Tools offered from the last listing; null before the first. */
  tools: number | null;
  /** Why the last listing failed, while it is left out. */
  error: string | null;
}

/** MCP servers as a tool source, kept across chat requests (one client per server, tool lists cached). */
export interface McpToolSource {
  /** Every server's tools (cached); servers that fail are left out and logged. Never rejects. */
  tools(options?: { signal?: AbortSignal }): Promise<Tool[]>;
  status(): McpServerStatus[];
  close(): Promise<void>;
}

/** FNV-1a, 8 hex digits: keeps over-long names distinct after cutting. */
function shortHash(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return (hash >>> 0).toString(16).padStart(8, '0');
}

/**
 * The name the model sees for `tool` of `server`: `<server>__<tool>`, other characters than [a-zA-Z0-9_-] replaced
 * by `_`, at most 64 characters (longer names are cut and end in a hash of the full name).
 * @example mcpToolName('docs', 'search.pages') // 'docs__search_pages'
 */
export function mcpToolName(server: string, tool: string): string {
  const name = `${server}__${tool}`.replace(/[^a-zA-Z0-9_-]/g, '_');
  return name.length <= 64 ? name : `${name.slice(0, 55)}_${shortHash(name)}`;
}

type CallResult = Awaited<ReturnType<Client['callTool']>>;
type ListedTool = Awaited<ReturnType<Client['listTools']>>['tools'][number];

/** A tool result as text: text parts joined; other parts named; structured content when there is no text. */
function outputOf(result: CallResult): ToolOutput {
  if (!('content' in result) || !Array.isArray(result.content)) return { content: JSON.stringify(result.toolResult ?? null), isError: false };
  const parts = result.content.map((part) => {
    if (part.type === 'text') return part.text;
    if (part.type === 'resource') return 'text' in part.resource ? part.resource.text : `[resource ${part.resource.uri}]`;
    if (part.type === 'resource_link') return `[resource ${part.uri}]`;
    return `[${part.type} ${part.mimeType}]`;
  });
  let content = parts.join('\n');
  if (content === '' && result.structuredContent) content = JSON.stringify(result.structuredContent);
  return { content, isError: result.isError === true };
}

/** The server's input schema as tool parameters: an object schema with properties, without `$schema`. */
function parametersOf(schema: ListedTool['inputSchema']): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = schema;
  return { ...rest, type: 'object', properties: schema.properties ?? {} };
}

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

class McpServerTools {
  #client: Promise<Client> | null = null;
  #cache: { tools: Tool[]; until: number } | null = null;
  #listing: Promise<Tool[]> | null = null;
  #status: McpServerStatus;
  readonly #timeoutMs: number;

  constructor(
    readonly config: McpServerConfig,
    readonly options: Required<Pick<McpToolsOptions, 'cacheTtlMs' | 'failureTtlMs' | 'now'>> & { logger: Logger; fetch?: FetchLike; timeoutMs: number },
  ) {
    this.#timeoutMs = config.timeoutMs ?? options.timeoutMs;
    this.#status = { name: config.name, url: config.url, tools: null, error: null };
  }

  get status(): McpServerStatus {
    return { ...this.#status };
  }

  tools(): Promise<Tool[]> {
    if (this.#cache && this.#cache.until > this.options.now()) return Promise.resolve(this.#cache.tools);
    this.#listing ??= this.#list().finally(() => {
      this.#listing = null;
    });
    return this.#listing;
  }

  async #list(): Promise<Tool[]> {
    const signal = AbortSignal.timeout(this.#timeoutMs);
    try {
      const client = await raceAbort(this.#connect(), signal);
      const listed: ListedTool[] = [];
      let cursor: string | undefined;
      do {
        const page = await client.listTools(cursor === undefined ? undefined : { cursor }, { timeout: this.#timeoutMs, signal });
        listed.push(...page.tools);
        cursor = page.nextCursor;
      } while (cursor !== undefined && listed.length < 1000);
      const tools = this.#toolsOf(listed);
      this.#cache = { tools, until: this.options.now() + this.options.cacheTtlMs };
      this.#status = { ...this.#status, tools: tools.length, error: null };
      return tools;
    } catch (err) {
      const error = signal.aborted ? `no answer within ${this.#timeoutMs} ms` : messageOf(err);
      this.options.logger.warn('mcp server skipped', { server: this.config.name, url: this.config.url, error });
      this.#reset();
      this.#cache = { tools: [], until: this.options.now() + this.options.failureTtlMs };
      this.#status = { ...this.#status, error };
      return [];
    }
  }

  #toolsOf(listed: ListedTool[]): Tool[] {
    const { name: server, allowTools } = this.config;
    const names = new Set<string>();
    const tools: Tool[] = [];
    for (const tool of listed) {
      if (allowTools && !allowedBy(tool.name, allowTools)) continue;
      const name = mcpToolName(server, tool.name);
      if (names.has(name)) {
        this.options.logger.warn('mcp tool name clash: skipped', { server, tool: tool.name, name });
        continue;
      }
      names.add(name);
      tools.push({
        spec: { name, description: (tool.description ?? tool.title ?? `${tool.name} (from ${server})`).slice(0, 2000), parameters: parametersOf(tool.inputSchema) },
        source: 'mcp',
        run: (args, ctx) => this.call(tool.name, args, ctx),
      });
    }
    return tools;
  }

  async call(tool: string, args: unknown, { signal }: ToolContext): Promise<ToolOutput> {
    const server = this.config.name;
    if (this.config.allowTools && !allowedBy(tool, this.config.allowTools)) return toolError(`Tool ${tool} of MCP server ${server} is not allowed`);
    const timeout = AbortSignal.timeout(this.#timeoutMs);
    const both = AbortSignal.any([signal, timeout]);
    try {
      const client = await raceAbort(this.#connect(), both);
      const result = await client.callTool({ name: tool, arguments: args as Record<string, unknown> }, undefined, {
        signal: both,
        timeout: this.#timeoutMs,
        maxTotalTimeout: this.#timeoutMs,
      });
      return outputOf(result);
    } catch (err) {
      if (signal.aborted) return toolError(`Call to MCP server ${server} aborted`);
      const timedOut = timeout.aborted || (err instanceof McpError && err.code === ErrorCode.RequestTimeout);
      if (timedOut || !(err instanceof McpError) || err.code === ErrorCode.ConnectionClosed) this.#reset();
      this.options.logger.warn('mcp tool call failed', { server, tool, error: messageOf(err), timedOut });
      return toolError(timedOut ? `MCP server ${server} did not answer within ${this.#timeoutMs} ms` : `MCP server ${server} failed: ${messageOf(err)}`);
    }
  }

  #connect(): Promise<Client> {
    if (this.#client) return this.#client;
    const client = new Client({ name: 'gaia-chat', version: VERSION });
    const transport = new StreamableHTTPClientTransport(new URL(this.config.url), {
      ...(this.config.headers ? { requestInit: { headers: this.config.headers } } : {}),
      ...(this.options.fetch ? { fetch: this.options.fetch } : {}),
    });
    const connecting = client.connect(transport, { timeout: this.#timeoutMs }).then(() => client);
    this.#client = connecting;
    connecting.catch(() => {
      void client.close().catch(() => {});
      if (this.#client === connecting) this.#client = null;
    });
    return connecting;
  }

  /** Drops the client (closing it cuts its pending requests); the next use reconnects. */
  #reset(): void {
    const client = this.#client;
    this.#client = null;
    client?.then((c) => c.close()).catch(() => {});
  }

  async close(): Promise<void> {
    const client = this.#client;
    this.#client = null;
    this.#cache = null;
    await client?.then((c) => c.close()).catch(() => {});
  }
}

/**
 * MCP servers (Streamable HTTP) as tools named `<server>__<tool>`. Connections are made lazily and kept; each
 * server's tool list is cached for `cacheTtlMs`; a server that hangs, refuses or answers garbage is left out of the
 * listing (logged) and retried after `failureTtlMs`, and a failing call is a tool error — nothing throws into the
 * tool loop. Build it once per process; call `tools()` per chat request. Throws on an invalid config list.
 * @example
 * const mcp = connectMcpTools([{ name: 'docs', url: 'https://mcp.example.com/mcp', allowTools: ['search*'] }], { logger });
 * const tools = await mcp.tools({ signal });
 */
export function connectMcpTools(configs: readonly McpServerConfig[], options: McpToolsOptions = {}): McpToolSource {
  const parsed = McpServersSchema.parse(configs);
  const settings = {
    logger: options.logger ?? silentLogger,
    cacheTtlMs: options.cacheTtlMs ?? 60_000,
    failureTtlMs: options.failureTtlMs ?? 10_000,
    timeoutMs: options.defaultTimeoutMs ?? 10_000,
    now: options.now ?? Date.now,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  };
  const servers = parsed.map((config) => new McpServerTools(config, settings));
  return {
    async tools({ signal } = {}) {
      const lists = Promise.all(servers.map((server) => server.tools()));
      if (!signal) return (await lists).flat();
      return raceAbort(lists, signal).then(
        (all) => all.flat(),
        () => [],
      );
    },
    status: () => servers.map((server) => server.status),
    close: async () => {
      await Promise.all(servers.map((server) => server.close()));
    },
  };
}
