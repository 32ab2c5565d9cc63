import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../../../lib/http/env.ts';
import type { ChatDeps } from '../../deps.ts';
import { getVisiblePersona, type PersonaPatch, personaViewer, updatePersona } from '../../store/personas.ts';
import { GaiaDetailSchema, GaiaValidationErrorSchema } from '../conversations/schemas.ts';
import { gaiaCaller } from '../gaia/permissions.ts';
import { assertMayManage, assertMaySetVisibility, withNameConflicts } from './access.ts';
import { PersonaDetailResponseSchema } from './get-persona.ts';
import { PersonaParamsSchema, type PersonaUpdateBody, PersonaUpdateBodySchema, personaNotFound, toPersonaDetail } from './schemas.ts';

export const updateGaiaPersonaRoute = createRoute({
  method: 'put',
  path: '/chat/personas/{id}',
  operationId: 'updateGaiaPersona',
  tags: ['gaia'],
  summary: 'Change a persona: its owner or an admin; public ones (seeded, shared) and sharing only an admin (our extension)',
  request: {
    params: PersonaParamsSchema,
    body: { required: true, content: { 'application/json': { schema: PersonaUpdateBodySchema } } },
  },
  responses: {
    200: { description: 'The updated persona', content: { 'application/json': { schema: PersonaDetailResponseSchema } } },
    400: { description: 'A persona without an owner made private', content: { 'application/json': { schema: GaiaDetailSchema } } },
    403: { description: 'Neither the owner nor an admin (public personas and sharing: admins only)', content: { 'application/json': { schema: GaiaDetailSchema } } },
    404: { description: 'Persona not found (also another user’s private persona)', content: { 'application/json': { schema: GaiaDetailSchema } } },
    409: { description: 'Renamed to a taken name', content: { 'application/json': { schema: GaiaDetailSchema } } },
    422: { description: 'Invalid field', content: { 'application/json': { schema: GaiaValidationErrorSchema } } },
  },
});

/** The store's patch for a request body: only the fields that were sent. */
export function personaPatchOf(body: PersonaUpdateBody): PersonaPatch {
  const patch: PersonaPatch = {};
  if (body.name !== undefined) patch.name = body.name;
  if (body.description !== undefined) patch.description = body.description;
  if (body.system_prompt !== undefined) patch.systemPrompt = body.system_prompt;
  if (body.personality_traits !== undefined) patch.personalityTraits = body.personality_traits;
  if (body.capabilities !== undefined) patch.capabilities = body.capabilities;
  if (body.allowed_tools !== undefined) patch.allowedTools = body.allowed_tools;
  if (body.default_model !== undefined) patch.defaultModel = body.default_model;
  if (body.is_active !== undefined) patch.isActive = body.is_active;
  if (body.visibility !== undefined) patch.visibility = body.visibility;
  return patch;
}

/** `PUT /api/v1/chat/personas/{id}`: fields left out stay as they are. */
export function registerUpdateGaiaPersona(router: OpenAPIHono<AppEnv>, deps: ChatDeps): void {
  router.openapi(updateGaiaPersonaRoute, async (c) => {
    const principal = gaiaCaller(c, 'chat:write');
    const { id } = c.req.valid('param');
    const persona = await getVisiblePersona(deps.store, id, personaViewer(principal));
    if (!persona) throw personaNotFound();
    assertMayManage(principal, persona);
    const body = c.req.valid('json');
    assertMaySetVisibility(principal, body.visibility, persona);
    const updated = await withNameConflicts(() => updatePersona(deps.store, persona.id, personaPatchOf(body)));
    if (!updated) throw personaNotFound();
    return c.json({ success: true as const, message: 'Persona updated successfully', persona: toPersonaDetail(updated) }, 200);
  });
}
