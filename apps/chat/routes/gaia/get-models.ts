import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../../../../lib/http/env.ts';
import type { ChatDeps } from '../../deps.ts';

export const GaiaModelsSchema = z
  .object({
    models: z.array(z.object({ id: z.string(), name: z.string(), provider: z.string(), default: z.boolean() })),
  })
  .openapi('GaiaModels');

export const getGaiaModelsRoute = createRoute({
  method: 'get',
  path: '/models',
  operationId: 'getGaiaModels',
  tags: ['gaia'],
  summary: 'The models a chat may use, as GAIA web clients read them: `{"models": [...]}` (pass an `id` as `model`)',
  responses: {
    200: { description: 'The models; `default` marks the one used when a request names none', content: { 'application/json': { schema: GaiaModelsSchema } } },
    403: { description: 'The caller may not read chats' },
  },
});

/** `GET /api/v1/models`. */
export function registerGetGaiaModels(app: OpenAPIHono<AppEnv>, deps: ChatDeps): void {
  app.openapi(getGaiaModelsRoute, (c) => {
    const fallback = deps.defaultModel();
    return c.json({ models: deps.models().map((m) => ({ id: m.id, name: m.model, provider: m.provider, default: m.id === fallback })) }, 200);
  });
}
