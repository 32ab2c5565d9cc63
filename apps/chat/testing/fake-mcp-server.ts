import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { ZodRawShape } from 'zod';

export interface FakeMcpTool {
  name: string;
  description?: string;
  /** Arguments the SDK validates (a zod shape); default: none. */
  inputSchema?: ZodRawShape;
  /** Default: echoes the arguments as JSON. A string becomes one text part. */
  run?: (args: Record<string, unknown>) => string | CallToolResult | Promise<string | CallToolResult>;
}

/**
 * - `normal`: a working stateless Streamable HTTP server
 * - `hang`: answers `initialize`, never answers `tools/list` or `tools/call`
 * - `hang-calls`: lists tools, never answers `tools/call`
 * - `garbage`: answers every POST with HTTP 200 and a body that is not JSON-RPC
 */
export type FakeMcpBehaviour = 'normal' | 'hang' | 'hang-calls' | 'garbage';

export interface FakeMcpServer {
  /** `http://127.0.0.1:<port>/mcp`. */
  readonly url: string;
  /** Switches behaviour for the next requests. */
  behaviour: FakeMcpBehaviour;
  /** `tools/call` requests received (also those left hanging). */
  readonly calls: { name: string; arguments: unknown }[];
  /** Every JSON-RPC method received, in order, with its request headers. */
  readonly requests: { method: string; headers: IncomingMessage['headers'] }[];
  close(): Promise<void>;
}

export interface FakeMcpServerOptions {
  tools: FakeMcpTool[];
  behaviour?: FakeMcpBehaviour;
  name?: string;
}

type RpcMessage = { method?: unknown; params?: { name?: unknown; arguments?: unknown } };

const GARBAGE = '<html><body>502 upstream said: ¯\\_(ツ)_/¯</body></html>';

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function mcpServer(name: string, tools: FakeMcpTool[]): McpServer {
  const server = new McpServer({ name, version: '1.0.0' });
  for (const tool of tools) {
    const run = tool.run ?? ((args: Record<string, unknown>) => JSON.stringify(args));
    server.registerTool(tool.name, { description: tool.description ?? `${tool.name} (fake)`, inputSchema: tool.inputSchema ?? {} }, async (args: Record<string, unknown>) => {
      const out = await run(args);
      return typeof out === 'string' ? { content: [{ type: 'text', text: out }] } : out;
    });
  }
  return server;
}

/**
 * A real MCP server (the SDK's `McpServer` over its Node Streamable HTTP transport, stateless, JSON answers) on
 * 127.0.0.1 with a random port, whose behaviour can be switched to hang or answer garbage.
 * @example
 * const server = await startFakeMcpServer({ tools: [{ name: 'echo', inputSchema: { text: z.string() } }] });
 * // ... server.url; await server.close();
 */
export async function startFakeMcpServer(options: FakeMcpServerOptions): Promise<FakeMcpServer> {
  const calls: FakeMcpServer['calls'] = [];
  const requests: FakeMcpServer['requests'] = [];
  const state = { behaviour: options.behaviour ?? ('normal' as FakeMcpBehaviour) };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST') {
      res.writeHead(405, { allow: 'POST' }).end();
      return;
    }
    const raw = await readBody(req);
    if (state.behaviour === 'garbage') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(GARBAGE);
      return;
    }
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      res.writeHead(400).end();
      return;
    }
    const messages = (Array.isArray(body) ? body : [body]) as RpcMessage[];
    for (const message of messages) {
      requests.push({ method: String(message?.method), headers: req.headers });
      if (message?.method === 'tools/call') calls.push({ name: String(message.params?.name), arguments: message.params?.arguments });
    }
    const methods = messages.map((m) => m?.method);
    const hangs =
      (state.behaviour === 'hang' && methods.some((m) => m === 'tools/list' || m === 'tools/call')) ||
      (state.behaviour === 'hang-calls' && methods.includes('tools/call'));
    if (hangs) return;
    const server = mcpServer(options.name ?? 'fake-mcp', options.tools);
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
  }

  const http = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/mcp`,
    get behaviour() {
      return state.behaviour;
    },
    set behaviour(value) {
      state.behaviour = value;
    },
    calls,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
}
