import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../lib/http/env.ts';
import { createServiceApp } from '../../lib/openapi/service-app.ts';
import { PUBLIC_PATHS } from '../../lib/platform/public-paths.ts';
import { VERSION } from '../../lib/version.ts';
import type { KbDeps } from './deps.ts';
import { registerPostContext } from './routes/context/post-context.ts';
import { registerDeleteDocument } from './routes/documents/delete-document.ts';
import { registerGetDocument } from './routes/documents/get-document.ts';
import { registerMoveDocument } from './routes/documents/move-document.ts';
import { registerPutDocument } from './routes/documents/put-document.ts';
import { registerMcp, registerMcpMethodNotAllowed } from './routes/mcp/mcp-endpoint.ts';
import { registerPostReindex } from './routes/reindex/post-reindex.ts';
import { registerSearchKb } from './routes/search/search-kb.ts';
import { registerGetSyncStatus } from './routes/sync/get-sync-status.ts';
import { registerPostSync } from './routes/sync/post-sync.ts';
import { registerPostWebhook } from './routes/sync/post-webhook.ts';
import { registerGetTree } from './routes/tree/get-tree.ts';


/** The kb service: Git-backed markdown knowledge base: sync, documents, search and the MCP server. */
export function createApp(deps: KbDeps): OpenAPIHono<AppEnv> {
  const app = createServiceApp({
    service: 'kb',
    version: VERSION,
    logger: deps.logger,
    readiness: deps.readiness,
    authenticate: { verifier: deps.internalVerifier, publicPaths: [...PUBLIC_PATHS.kb] },
    description: 'Git-backed markdown knowledge base: sync, documents, search and the MCP server.',
  });
  registerSearchKb(app, deps);
  registerGetDocument(app, deps);
  registerPutDocument(app, deps);
  registerDeleteDocument(app, deps);
  registerMoveDocument(app, deps);
  registerGetTree(app, deps);
  registerPostContext(app, deps);
  registerGetSyncStatus(app, deps);
  registerPostSync(app, deps);
  registerPostWebhook(app, deps);
  registerPostReindex(app, deps);
  registerMcp(app, deps);
  registerMcpMethodNotAllowed(app);
  return app;
}
