import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../lib/http/env.ts';
import { createServiceApp } from '../../lib/openapi/service-app.ts';
import { VERSION } from '../../lib/version.ts';
import type { KbDeps } from './deps.ts';

/** The kb service: Git-backed markdown knowledge base: sync, documents, search and the MCP server. */
export function createApp(deps: KbDeps): OpenAPIHono<AppEnv> {
  const app = createServiceApp({
    service: 'kb',
    version: VERSION,
    logger: deps.logger,
    readiness: deps.readiness,
    authenticate: { verifier: deps.internalVerifier },
    description: 'Git-backed markdown knowledge base: sync, documents, search and the MCP server.',
  });
  return app;
}
