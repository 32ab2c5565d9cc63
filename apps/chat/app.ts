import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../lib/http/env.ts';
import { createServiceApp } from '../../lib/openapi/service-app.ts';
import { VERSION } from '../../lib/version.ts';
import type { ChatDeps } from './deps.ts';
import { registerPostChatV1 } from './routes/gaia/post-chat.ts';
import { registerPostChatV03 } from './routes/gaia/post-chat-v03.ts';
import { createGaiaRouter } from './routes/gaia/routers.ts';
import { registerListModels } from './routes/openai/get-models.ts';
import { registerChatCompletions } from './routes/openai/post-chat-completions.ts';

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
  const v1 = createGaiaRouter(deps);
  registerPostChatV1(v1, deps);
  const v03 = createGaiaRouter(deps);
  registerPostChatV03(v03, deps);
  registerChatCompletions(app, deps);
  registerListModels(app, deps);
  app.route('/api/v1', v1);
  app.route('/api/v0.3', v03);
  return app;
}
