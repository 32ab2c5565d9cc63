import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { GaiaError } from '../../../../lib/gaia/errors.ts';
import type { Principal } from '../../../../lib/auth/types.ts';
import type { AppEnv } from '../../../../lib/http/env.ts';
import type { ChatDeps } from '../../deps.ts';
import { type ConversationPatch, updateConversation } from '../../store/conversations.ts';
import { getPersonaByName, getVisiblePersona, personaViewer } from '../../store/personas.ts';
import { isUuid, sqlState } from '../../store/sql.ts';
import type { ChatStore } from '../../store/store.ts';
import { gaiaCaller } from '../gaia/permissions.ts';
import { emptyJsonBody } from './empty-json-body.ts';
import { conversationNotFound, ownedConversation } from './lookup.ts';
import {
  ConversationParamsSchema,
  conversationErrorResponses,
  GaiaConversationSchema,
  GaiaDetailSchema,
  GaiaValidationErrorSchema,
  toGaiaConversation,
} from './schemas.ts';

export const ConversationPatchBodySchema = z
  .object({
    title: z.string().trim().min(1).max(500).optional().openapi({ description: 'New title' }),
    persona: z
      .string()
      .min(1)
      .max(100)
      .nullable()
      .optional()
      .openapi({ description: 'Persona id (or name) for this conversation; null = the default persona' }),
    model: z
      .string()
      .min(1)
      .max(200)
      .nullable()
      .optional()
      .openapi({ description: '`<provider>/<model>` for this conversation; null = the persona’s or platform default' }),
  })
  .openapi('GaiaConversationPatch');
export type ConversationPatchBody = z.infer<typeof ConversationPatchBodySchema>;

export const updateGaiaConversationV1Route = createRoute({
  method: 'patch',
  path: '/conversations/{id}',
  operationId: 'updateGaiaConversationV1',
  tags: ['gaia'],
  summary: 'Rename a conversation or choose its persona and model (our extension)',
  middleware: [emptyJsonBody()] as const,
  request: {
    params: ConversationParamsSchema,
    body: { required: false, content: { 'application/json': { schema: ConversationPatchBodySchema } } },
  },
  responses: {
    200: { description: 'The updated conversation', content: { 'application/json': { schema: GaiaConversationSchema } } },
    403: conversationErrorResponses[403],
    404: { description: 'Conversation not found, or Persona not found', content: { 'application/json': { schema: GaiaDetailSchema } } },
    422: { description: 'Invalid field', content: { 'application/json': { schema: GaiaValidationErrorSchema } } },
  },
});

const personaNotFound = () => new GaiaError(404, 'Persona not found');

/** The id of an active persona the caller may see, named by id or name; 404 otherwise (also for another's private one). */
async function activePersonaId(store: ChatStore, principal: Principal, idOrName: string): Promise<string> {
  const persona = isUuid(idOrName)
    ? await getVisiblePersona(store, idOrName, personaViewer(principal))
    : await getPersonaByName(store, idOrName, principal.userId);
  if (!persona?.isActive) throw personaNotFound();
  return persona.id;
}

/** `PATCH /api/v1/conversations/{id}` → the Conversation; fields left out stay as they are. */
export function registerUpdateGaiaConversationV1(router: OpenAPIHono<AppEnv>, deps: ChatDeps): void {
  router.openapi(updateGaiaConversationV1Route, async (c) => {
    const principal = gaiaCaller(c, 'chat:write');
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    const conversation = await ownedConversation(deps.store, principal.userId, id);
    const patch: ConversationPatch = {};
    if (body.title !== undefined) patch.title = body.title;
    if (body.model !== undefined) patch.model = body.model;
    if (body.persona !== undefined) patch.personaId = body.persona === null ? null : await activePersonaId(deps.store, principal, body.persona);
    if (Object.keys(patch).length === 0) return c.json(toGaiaConversation(conversation), 200);
    try {
      const updated = await updateConversation(deps.store, principal.userId, conversation.id, patch);
      if (!updated) throw conversationNotFound();
      return c.json(toGaiaConversation(updated), 200);
    } catch (err) {
      // The persona was deleted between the lookup and the update (foreign-key violation).
      if (sqlState(err) === '23503') throw personaNotFound();
      throw err;
    }
  });
}
