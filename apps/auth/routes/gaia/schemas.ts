import { z } from '@hono/zod-openapi';

export const GaiaUserSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    aud: z.string(),
    role: z.string(),
    app_metadata: z.object({ provider: z.string() }),
    user_metadata: z.record(z.string(), z.unknown()),
    email_confirmed_at: z.string().nullable(),
    last_sign_in_at: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi('GaiaUser');

export const GaiaSessionSchema = z
  .object({
    access_token: z.string(),
    refresh_token: z.string(),
    token_type: z.literal('bearer'),
    expires_in: z.number().int(),
    expires_at: z.number().int(),
    user: GaiaUserSchema,
  })
  .openapi('GaiaSession');

export const GaiaSessionResponseSchema = z
  .object({
    user: GaiaUserSchema,
    session: GaiaSessionSchema,
    access_token: z.string(),
    refresh_token: z.string(),
    token_type: z.literal('bearer'),
    expires_in: z.number().int(),
  })
  .openapi('GaiaSessionResponse');

export const GaiaMessageSchema = z.object({ message: z.string() }).openapi('GaiaMessage');

export const GaiaDetailSchema = z.object({ detail: z.string() }).openapi('GaiaDetail');

export const GaiaValidationErrorSchema = z
  .object({
    detail: z.array(
      z.object({ type: z.string(), loc: z.array(z.union([z.string(), z.number()])), msg: z.string(), input: z.unknown() }),
    ),
  })
  .openapi('GaiaValidationError');

const json = <T extends z.ZodType>(description: string, schema: T) => ({
  description,
  content: { 'application/json': { schema } },
});

/** `{"detail": "<message>"}` responses, for spreading into a route's `responses`. */
export const detailResponse = (description: string) => json(description, GaiaDetailSchema);

/** The 400/422/500 every GAIA auth route may answer. */
export const gaiaErrorResponses = {
  400: detailResponse('Refused (the message says why), or malformed JSON'),
  422: json('A required field or header is missing', GaiaValidationErrorSchema),
  500: detailResponse('Unexpected failure'),
} as const;

/** A JSON request body for a GAIA auth route. */
export const jsonBody = <T extends z.ZodType>(schema: T, required = true) => ({
  required,
  content: { 'application/json': { schema } },
});

/** A JSON 200 response. */
export const ok = json;
