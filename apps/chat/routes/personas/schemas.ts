import { z } from '@hono/zod-openapi';
import { GaiaError } from '../../../../lib/gaia/errors.ts';
import type { Persona } from '../../store/types.ts';

/** GAIA's persona (§9): exactly these keys. */
export const GaiaPersonaSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string(),
    system_prompt: z.string(),
    personality_traits: z.record(z.string(), z.unknown()),
    capabilities: z.record(z.string(), z.unknown()),
    is_active: z.boolean(),
    created_by: z.string().nullable().openapi({ description: 'The creating user; null for seeded personas' }),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi('GaiaPersona');
export type GaiaPersona = z.infer<typeof GaiaPersonaSchema>;

const VisibilitySchema = z
  .enum(['private', 'public'])
  .openapi({ description: '`private`: its owner and admins see it; `public`: everyone (only admins make a persona public)' });

/** Our sibling routes' persona: GAIA's plus the tools it may use, its default model and who sees it. */
export const PersonaDetailSchema = GaiaPersonaSchema.extend({
  allowed_tools: z
    .array(z.string())
    .nullable()
    .openapi({ description: 'Tool names or patterns (`kb_*`, `<server>__*`); null = every tool, [] = none' }),
  default_model: z.string().nullable().openapi({ description: '`<provider>/<model>` used when a request names none' }),
  visibility: VisibilitySchema,
}).openapi('PersonaDetail');
export type PersonaDetail = z.infer<typeof PersonaDetailSchema>;

/** `{"success": true, "message": ..., "persona": ...}`. */
export const personaEnvelope = <T extends z.ZodType>(persona: T, name: string) =>
  z.object({ success: z.literal(true), message: z.string(), persona }).openapi(name);

export const PersonaParamsSchema = z.object({
  id: z.string().openapi({ param: { name: 'id', in: 'path' }, description: 'Persona id (UUID)' }),
});

export const PersonaNameSchema = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .openapi({ description: '1..100 characters, unique (case-insensitively) among its owner’s personas, or among the public ones' });
const ObjectSchema = z.record(z.string(), z.unknown());
const AllowedToolsSchema = z
  .array(z.string().min(1).max(200))
  .max(200)
  .nullable()
  .openapi({ description: 'Our extension: tool names or patterns; null = every tool, [] = none' });
const DefaultModelSchema = z.string().min(1).max(200).nullable().openapi({ description: 'Our extension: `<provider>/<model>`' });

/** GAIA's `POST /api/v1/chat/personas` body, plus our optional `allowed_tools` / `default_model`. */
export const NewPersonaBodySchema = z
  .object({
    name: PersonaNameSchema,
    description: z.string().max(10_000),
    system_prompt: z.string().max(100_000),
    personality_traits: ObjectSchema.optional(),
    capabilities: ObjectSchema.optional(),
    allowed_tools: AllowedToolsSchema.optional(),
    default_model: DefaultModelSchema.optional(),
    visibility: VisibilitySchema.optional().openapi({ description: 'Our extension: default `private` (`public` needs chat:admin)' }),
  })
  .openapi('GaiaNewPersona');
export type NewPersonaBody = z.infer<typeof NewPersonaBodySchema>;

/** `PUT /api/v1/chat/personas/{id}`: the fields to change; those left out stay as they are. */
export const PersonaUpdateBodySchema = z
  .object({
    name: PersonaNameSchema.optional(),
    description: z.string().max(10_000).optional(),
    system_prompt: z.string().max(100_000).optional(),
    personality_traits: ObjectSchema.optional(),
    capabilities: ObjectSchema.optional(),
    allowed_tools: AllowedToolsSchema.optional(),
    default_model: DefaultModelSchema.optional(),
    is_active: z.boolean().optional(),
    visibility: VisibilitySchema.optional(),
  })
  .openapi('PersonaUpdate');
export type PersonaUpdateBody = z.infer<typeof PersonaUpdateBodySchema>;

export const personaNotFound = (): GaiaError => new GaiaError(404, 'Persona not found');

/** GAIA's persona of a stored one. */
export function toGaiaPersona(persona: Persona): GaiaPersona {
  return {
    id: persona.id,
    name: persona.name,
    description: persona.description,
    system_prompt: persona.systemPrompt,
    personality_traits: persona.personalityTraits,
    capabilities: persona.capabilities,
    is_active: persona.isActive,
    created_by: persona.createdBy,
    created_at: persona.createdAt.toISOString(),
    updated_at: persona.updatedAt.toISOString(),
  };
}

/** Our persona detail: GAIA's keys plus `allowed_tools`, `default_model` and `visibility`. */
export function toPersonaDetail(persona: Persona): PersonaDetail {
  return { ...toGaiaPersona(persona), allowed_tools: persona.allowedTools, default_model: persona.defaultModel, visibility: persona.visibility };
}
