import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../../../lib/http/env.ts';
import type { ChatDeps } from '../../deps.ts';
import { registerDeleteGaiaConversationV1 } from './delete-conversation.ts';
import { registerDeleteGaiaConversationV03 } from './delete-conversation-v03.ts';
import { registerGetGaiaConversationV1 } from './get-conversation.ts';
import { registerListGaiaConversationMessagesV1 } from './get-conversation-messages.ts';
import { registerListGaiaConversationMessagesV03 } from './get-conversation-messages-v03.ts';
import { registerGetGaiaConversationV03 } from './get-conversation-v03.ts';
import { registerListGaiaConversationsV1 } from './get-conversations.ts';
import { registerListGaiaConversationsV03 } from './get-conversations-v03.ts';
import { registerUpdateGaiaConversationV1 } from './patch-conversation.ts';
import { registerCreateGaiaConversationV1 } from './post-conversation.ts';
import { registerCreateGaiaConversationV03 } from './post-conversation-v03.ts';

/** Each conversation path and its methods (for a 405 on any other method). */
export const CONVERSATION_PATHS_V1: Record<string, string[]> = {
  '/conversations': ['GET', 'POST'],
  '/conversations/:id': ['GET', 'PATCH', 'DELETE'],
  '/conversations/:id/messages': ['GET'],
};
export const CONVERSATION_PATHS_V03: Record<string, string[]> = {
  '/conversations': ['GET', 'POST'],
  '/conversations/:id': ['GET', 'DELETE'],
  '/conversations/:id/messages': ['GET'],
};

/**
 * GAIA's v1 conversation operations (§8.1) plus our `PATCH`, on a GAIA router mounted at `/api/v1`.
 * @example registerConversationRoutesV1(gaiaV1, deps); app.route('/api/v1', gaiaV1);
 */
export function registerConversationRoutesV1(router: OpenAPIHono<AppEnv>, deps: ChatDeps): void {
  registerListGaiaConversationsV1(router, deps);
  registerCreateGaiaConversationV1(router, deps);
  registerGetGaiaConversationV1(router, deps);
  registerUpdateGaiaConversationV1(router, deps);
  registerDeleteGaiaConversationV1(router, deps);
  registerListGaiaConversationMessagesV1(router, deps);
}

/**
 * GAIA's v0.3 conversation operations (§8.2), on a GAIA router mounted at `/api/v0.3`.
 * @example registerConversationRoutesV03(gaiaV03, deps); app.route('/api/v0.3', gaiaV03);
 */
export function registerConversationRoutesV03(router: OpenAPIHono<AppEnv>, deps: ChatDeps): void {
  registerListGaiaConversationsV03(router, deps);
  registerCreateGaiaConversationV03(router, deps);
  registerGetGaiaConversationV03(router, deps);
  registerDeleteGaiaConversationV03(router, deps);
  registerListGaiaConversationMessagesV03(router, deps);
}
