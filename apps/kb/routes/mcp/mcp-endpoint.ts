import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { requirePermission } from '../../../../lib/auth/middleware.ts';
import { authErrorResponses, errorResponses } from '../../../../lib/errors/envelope.ts';
import type { AppEnv } from '../../../../lib/http/env.ts';
import { strictJsonBody } from '../../../../lib/http/strict-json-body.ts';
import type { KbDeps } from '../../deps.ts';
import { createKbMcpServer } from '../../mcp/server.ts';
import { callerAccess } from '../caller.ts';

export const mcpRoute = createRoute({
  method: 'post',
  path: '/api/v1/kb/mcp',
  operationId: 'postKbMcp',
  tags: ['kb'],
  summary: 'MCP server (Streamable HTTP, stateless): tools search, read, list, write — as the caller',
  description:
    'JSON-RPC 2.0 messages per the Model Context Protocol. Each request is served by a server bound to the ' +
    "caller's identity, so every tool call is checked against the caller's namespaces.",
  // The JSON-RPC body is not declared (the transport parses it), so the platform's strict reading is added here.
  middleware: [requirePermission('kb:read'), strictJsonBody()] as const,
  responses: {
    200: {
      description: 'JSON-RPC response (JSON or an SSE stream)',
      content: { 'application/json': { schema: { type: 'object' } }, 'text/event-stream': { schema: { type: 'string' } } },
    },
    ...errorResponses,
    ...authErrorResponses,
  },
});

/** `POST /api/v1/kb/mcp` (GET and DELETE answer 405: the server is stateless, with no standalone stream or session). */
export function registerMcp(app: OpenAPIHono<AppEnv>, deps: KbDeps): void {
  app.openapi(mcpRoute, async (c) => {
    deps.kb.runtime();
    const server = createKbMcpServer(deps.ops, await callerAccess(c, deps));
    const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    await server.connect(transport);
    // strictJsonBody has consumed the request's stream: the transport reads the same bytes from a copy.
    const response = await transport.handleRequest(new Request(c.req.raw, { body: await c.req.arrayBuffer() }));
    // Stateless: the JSON answer is complete, so the per-request server can go.
    void server.close();
    return response as never;
  });
}

/** `GET|DELETE /api/v1/kb/mcp`: 405, which MCP clients read as "no standalone stream, no sessions". */
export function registerMcpMethodNotAllowed(app: OpenAPIHono<AppEnv>): void {
  app.on(['GET', 'DELETE'], '/api/v1/kb/mcp', (c) => c.body(null, 405, { Allow: 'POST' }));
}
