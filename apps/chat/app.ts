import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../lib/http/env.ts';
import { createServiceApp } from '../../lib/openapi/service-app.ts';
import { VERSION } from '../../lib/version.ts';
import type { ChatDeps } from './deps.ts';
import {
  CONVERSATION_PATHS_V1,
  CONVERSATION_PATHS_V03,
  registerConversationRoutesV03,
  registerConversationRoutesV1,
} from './routes/conversations/conversation-routes.ts';
import { registerGetGaiaModels } from './routes/gaia/get-models.ts';
import { registerPostChatV1 } from './routes/gaia/post-chat.ts';
import { registerPostChatV03 } from './routes/gaia/post-chat-v03.ts';
import { allowOnly, createGaiaRouter } from './routes/gaia/routers.ts';
import { createOpenAiRouter } from './routes/openai/errors.ts';
import { registerListModels } from './routes/openai/get-models.ts';
import { registerChatCompletions } from './routes/openai/post-chat-completions.ts';
import { PERSONA_PATHS, registerPersonaRoutes } from './routes/personas/persona-routes.ts';
import { registerUsageRoutes } from './routes/usage/usage-routes.ts';

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
  registerConversationRoutesV1(v1, deps);
  registerPersonaRoutes(v1, deps);
  registerUsageRoutes(v1, deps);
  registerGetGaiaModels(v1, deps);
  allowOnly(v1, { '/chat': ['POST'], ...CONVERSATION_PATHS_V1, ...PERSONA_PATHS, '/chat/usage': ['GET'], '/models': ['GET'] });
  const v03 = createGaiaRouter(deps);
  registerPostChatV03(v03, deps);
  registerConversationRoutesV03(v03, deps);
  allowOnly(v03, { '/chat': ['POST'], ...CONVERSATION_PATHS_V03 });
  const openai = createOpenAiRouter(deps.logger);
  registerChatCompletions(openai, deps);
  registerListModels(openai, deps);
  app.route('/', openai);
  app.route('/api/v1', v1);
  app.route('/api/v0.3', v03);
  return app;
}
