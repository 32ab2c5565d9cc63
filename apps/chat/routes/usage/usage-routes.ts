import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../../../lib/http/env.ts';
import type { ChatDeps } from '../../deps.ts';
import { registerGetChatUsage } from './get-usage.ts';

/**
 * Our usage route, on the GAIA router mounted at `/api/v1` (`GET /api/v1/chat/usage`).
 * @example registerUsageRoutes(gaiaV1, deps);
 */
export function registerUsageRoutes(router: OpenAPIHono<AppEnv>, deps: ChatDeps): void {
  registerGetChatUsage(router, deps);
}
