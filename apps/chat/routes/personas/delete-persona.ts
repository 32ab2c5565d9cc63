import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../../../lib/http/env.ts';
import type { ChatDeps } from '../../deps.ts';
import { deletePersona, getVisiblePersona, personaViewer } from '../../store/personas.ts';
import { GaiaDetailSchema } from '../conversations/schemas.ts';
import { gaiaCaller } from '../gaia/permissions.ts';
import { assertMayManage } from './access.ts';
import { PersonaParamsSchema, personaNotFound } from './schemas.ts';

export const deleteGaiaPersonaRoute = createRoute({
  method: 'delete',
  path: '/chat/personas/{id}',
  operationId: 'deleteGaiaPersona',
  tags: ['gaia'],
  summary: 'Delete a persona (a seeded one is deactivated instead): its owner or an admin; a public one only an admin (our extension)',
  request: { params: PersonaParamsSchema },
  responses: {
    204: { description: 'Deleted (or, for a seeded persona, deactivated)' },
    403: { description: 'A public persona, and the caller is no admin', content: { 'application/json': { schema: GaiaDetailSchema } } },
    404: { description: 'Persona not found (also another user’s private persona)', content: { 'application/json': { schema: GaiaDetailSchema } } },
  },
});

/** `DELETE /api/v1/chat/personas/{id}` → 204; conversations using it fall back to the default persona. */
export function registerDeleteGaiaPersona(router: OpenAPIHono<AppEnv>, deps: ChatDeps): void {
  router.openapi(deleteGaiaPersonaRoute, async (c) => {
    const principal = gaiaCaller(c, 'chat:delete');
    const persona = await getVisiblePersona(deps.store, c.req.valid('param').id, personaViewer(principal));
    if (!persona) throw personaNotFound();
    assertMayManage(principal, persona);
    if ((await deletePersona(deps.store, persona.id)) === null) throw personaNotFound();
    return c.body(null, 204);
  });
}
