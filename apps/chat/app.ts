import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../lib/http/env.ts';
import { createServiceApp } from '../../lib/openapi/service-app.ts';
import { VERSION } from '../../lib/version.ts';
import type { ChatDeps } from './deps.ts';

/** The chat service: LLM orchestration: providers, streaming, conversations, personas and tool routing. */
export function createApp(deps: ChatDeps): OpenAPIHono<AppEnv> {
  const app = createServiceApp({
    service: 'chat',
    version: VERSION,
    logger: deps.logger,
    readiness: deps.readiness,
    authenticate: { verifier: deps.internalVerifier },
    description: 'LLM orchestration: providers, streaming, conversations, personas and tool routing.',
  });
  return app;
}
