import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { requirePermission } from '../../../../lib/auth/middleware.ts';
import { authErrorResponses } from '../../../../lib/errors/envelope.ts';
import type { AppEnv } from '../../../../lib/http/env.ts';
import { json } from '../../../../lib/openapi/json.ts';
import type { ChatDeps } from '../../deps.ts';
import { openAiErrorResponses } from './errors.ts';
import { ModelListSchema } from './schemas.ts';

export const listModelsRoute = createRoute({
  method: 'get',
  path: '/v1/models',
  operationId: 'listModels',
  tags: ['openai'],
  summary: 'The models callers may choose (OpenAI-compatible): `<provider>/<model>`, the offline `local/gaia-local` always',
  middleware: [requirePermission('chat:read')] as const,
  responses: { 200: json(ModelListSchema, 'The models'), 401: authErrorResponses[401], 403: openAiErrorResponses[403], 500: openAiErrorResponses[500] },
});

const STARTED = Math.floor(Date.now() / 1000);

/** `GET /v1/models`. */
export function registerListModels(app: OpenAPIHono<AppEnv>, deps: ChatDeps): void {
  app.openapi(listModelsRoute, (c) =>
    c.json(
      {
        object: 'list' as const,
        data: deps.models().map((m) => ({ id: m.id, object: 'model' as const, created: STARTED, owned_by: m.provider })),
      },
      200,
    ),
  );
}
