import { z } from '@hono/zod-openapi';

/** FastAPI's 422 body (for the documentation; the validation hook produces it). */
export const GaiaValidationErrorSchema = z
  .object({
    detail: z.array(z.object({ type: z.string(), loc: z.array(z.union([z.string(), z.number()])), msg: z.string(), input: z.unknown() })),
  })
  .openapi('GaiaValidationError');

/** `{"detail": "<message>"}`. */
export const GaiaDetailSchema = z.object({ detail: z.string() }).openapi('GaiaDetail');
