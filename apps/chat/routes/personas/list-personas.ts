import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../../../../lib/http/env.ts';
import type { ChatDeps } from '../../deps.ts';
import { listPersonas, personaViewer } from '../../store/personas.ts';
import { GaiaDetailSchema, GaiaValidationErrorSchema } from '../conversations/schemas.ts';
import { gaiaCaller } from '../gaia/permissions.ts';
import { GaiaPersonaSchema, toGaiaPersona } from './schemas.ts';

export const PersonaListQuerySchema = z.object({
  active_only: z
    .stringbool()
    .optional()
    .openapi({ param: { name: 'active_only', in: 'query' }, description: 'Only active personas (default true)', type: 'boolean' }),
});

export const GaiaPersonaListSchema = z
  .object({ success: z.literal(true), total: z.number().int(), message: z.string(), personas: z.array(GaiaPersonaSchema) })
  .openapi('GaiaPersonaList');

export const listGaiaPersonasRoute = createRoute({
  method: 'get',
  path: '/chat/personas',
  operationId: 'listGaiaPersonas',
  tags: ['gaia'],
  summary: 'GAIA: the personas the caller may see: the public ones (seeded first) and their own; admins see all',
  request: { query: PersonaListQuerySchema },
  responses: {
    200: { description: 'The personas', content: { 'application/json': { schema: GaiaPersonaListSchema } } },
    403: { description: 'The caller may not read chat data', content: { 'application/json': { schema: GaiaDetailSchema } } },
    422: { description: 'active_only is not a boolean', content: { 'application/json': { schema: GaiaValidationErrorSchema } } },
  },
});

/** `GET /api/v1/chat/personas[?active_only=true|false]`: public personas and the caller's own (an admin's: every one). */
export function registerListGaiaPersonas(router: OpenAPIHono<AppEnv>, deps: ChatDeps): void {
  router.openapi(listGaiaPersonasRoute, async (c) => {
    const principal = gaiaCaller(c, 'chat:read');
    const activeOnly = c.req.valid('query').active_only ?? true;
    const personas = await listPersonas(deps.store, { activeOnly, viewer: personaViewer(principal) });
    return c.json(
      { success: true as const, total: personas.length, message: 'Personas retrieved successfully', personas: personas.map(toGaiaPersona) },
      200,
    );
  });
}
