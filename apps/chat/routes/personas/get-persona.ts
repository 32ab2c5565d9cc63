import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../../../lib/http/env.ts';
import type { ChatDeps } from '../../deps.ts';
import { getVisiblePersona, personaViewer } from '../../store/personas.ts';
import { GaiaDetailSchema } from '../conversations/schemas.ts';
import { gaiaCaller } from '../gaia/permissions.ts';
import { PersonaDetailSchema, PersonaParamsSchema, personaEnvelope, personaNotFound, toPersonaDetail } from './schemas.ts';

export const PersonaDetailResponseSchema = personaEnvelope(PersonaDetailSchema, 'PersonaDetailResponse');

export const getGaiaPersonaRoute = createRoute({
  method: 'get',
  path: '/chat/personas/{id}',
  operationId: 'getGaiaPersona',
  tags: ['gaia'],
  summary: 'One persona, with its allowed tools and default model (our extension)',
  request: { params: PersonaParamsSchema },
  responses: {
    200: { description: 'The persona', content: { 'application/json': { schema: PersonaDetailResponseSchema } } },
    403: { description: 'The caller may not read chat data', content: { 'application/json': { schema: GaiaDetailSchema } } },
    404: { description: 'Persona not found (also another user’s private persona)', content: { 'application/json': { schema: GaiaDetailSchema } } },
  },
});

/** `GET /api/v1/chat/personas/{id}` (active or not), if the caller may see it; 404 as for an unknown id otherwise. */
export function registerGetGaiaPersona(router: OpenAPIHono<AppEnv>, deps: ChatDeps): void {
  router.openapi(getGaiaPersonaRoute, async (c) => {
    const principal = gaiaCaller(c, 'chat:read');
    const persona = await getVisiblePersona(deps.store, c.req.valid('param').id, personaViewer(principal));
    if (!persona) throw personaNotFound();
    return c.json({ success: true as const, message: 'Persona retrieved successfully', persona: toPersonaDetail(persona) }, 200);
  });
}
