import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../../../lib/http/env.ts';
import type { ChatDeps } from '../../deps.ts';
import { createPersona } from '../../store/personas.ts';
import { GaiaDetailSchema, GaiaValidationErrorSchema } from '../conversations/schemas.ts';
import { gaiaCaller } from '../gaia/permissions.ts';
import { assertMaySetVisibility, withNameConflicts } from './access.ts';
import { GaiaPersonaSchema, NewPersonaBodySchema, personaEnvelope, toGaiaPersona } from './schemas.ts';

export const GaiaCreatedPersonaSchema = personaEnvelope(GaiaPersonaSchema, 'GaiaCreatedPersona');

export const createGaiaPersonaRoute = createRoute({
  method: 'post',
  path: '/chat/personas',
  operationId: 'createGaiaPersona',
  tags: ['gaia'],
  summary: 'GAIA: create a persona of the caller, private unless an admin shares it (optionally with our `allowed_tools` / `default_model` / `visibility`)',
  request: { body: { required: true, content: { 'application/json': { schema: NewPersonaBodySchema } } } },
  responses: {
    200: { description: 'The new persona (GAIA answers 200, not 201)', content: { 'application/json': { schema: GaiaCreatedPersonaSchema } } },
    403: { description: 'The caller may not write chat data, or (not an admin) asked for a public persona', content: { 'application/json': { schema: GaiaDetailSchema } } },
    409: { description: 'The caller (or, for a public persona, the public ones) has a persona of this name', content: { 'application/json': { schema: GaiaDetailSchema } } },
    422: { description: 'Missing or invalid field', content: { 'application/json': { schema: GaiaValidationErrorSchema } } },
  },
});

/** `POST /api/v1/chat/personas` → `{"success":true,"message":"Persona created successfully","persona":{…}}`. */
export function registerCreateGaiaPersona(router: OpenAPIHono<AppEnv>, deps: ChatDeps): void {
  router.openapi(createGaiaPersonaRoute, async (c) => {
    const principal = gaiaCaller(c, 'chat:write');
    const body = c.req.valid('json');
    assertMaySetVisibility(principal, body.visibility);
    const persona = await withNameConflicts(() =>
      createPersona(
        deps.store,
        {
          name: body.name,
          description: body.description,
          systemPrompt: body.system_prompt,
          personalityTraits: body.personality_traits,
          capabilities: body.capabilities,
          allowedTools: body.allowed_tools,
          defaultModel: body.default_model,
          visibility: body.visibility ?? 'private',
        },
        principal.userId,
      ),
    );
    return c.json({ success: true as const, message: 'Persona created successfully', persona: toGaiaPersona(persona) }, 200);
  });
}
