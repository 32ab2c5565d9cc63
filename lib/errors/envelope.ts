import { z } from '@hono/zod-openapi';
import { ErrorCode } from './codes.ts';

export const ErrorEnvelopeSchema = z
  .object({
    error: z.object({
      code: z.enum(Object.values(ErrorCode) as [ErrorCode, ...ErrorCode[]]),
      message: z.string(),
      requestId: z.string(),
      details: z.unknown().optional(),
    }),
  })
  .openapi('ErrorEnvelope');

export type ErrorEnvelope = z.infer<typeof ErrorEnvelopeSchema>;

/** Builds the envelope body. Only `onError`/`defaultHook` call this; handlers throw `ApiError`. */
export function errorBody(code: ErrorCode, message: string, requestId: string, details?: unknown): ErrorEnvelope {
  return { error: details === undefined ? { code, message, requestId } : { code, message, requestId, details } };
}

const describe = (description: string) => ({
  description,
  content: { 'application/json': { schema: ErrorEnvelopeSchema } },
});

/**
 * Shared error responses for route specs: spread into `createRoute({ responses: { 200: ..., ...errorResponses } })`.
 */
export const errorResponses = {
  400: describe('The request was malformed or failed validation'),
  413: describe('The request body is larger than allowed'),
  415: describe('The request body has an unsupported content type'),
  429: describe('Too many requests'),
  500: describe('Unexpected failure'),
  503: describe('The service or one of its dependencies is not ready'),
} as const;

export const authErrorResponses = {
  401: describe('Missing or invalid credentials'),
  403: describe('The caller lacks the permission'),
} as const;
