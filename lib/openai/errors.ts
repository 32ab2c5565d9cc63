import { z } from '@hono/zod-openapi';
import type { Context, ErrorHandler } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ZodError } from 'zod';
import { toApiError, unstorableParameter, zodIssues } from '../errors/handler.ts';

/**
 * OpenAI's error body, which its SDKs read (`status`, `code`, `type`, `param`): exactly these four keys. The wire
 * format of every answer on the OpenAI-compatible routes (`/v1/*`) — the chat service's and the gateway's own
 * refusals (401, 413, 429, 503) alike — so an OpenAI SDK raises its own error classes whoever answered.
 */
export const OpenAiErrorSchema = z
  .object({
    error: z.object({
      message: z.string(),
      type: z.enum(['invalid_request_error', 'server_error']),
      param: z.string().nullable().openapi({ description: 'The request field at fault, when there is one' }),
      code: z.string().nullable().openapi({ description: 'OpenAI’s code where it has one (`model_not_found`), else ours in lower case (`not_found`, `validation_failed`…)' }),
    }),
  })
  .openapi('OpenAiError');
export type OpenAiErrorBody = z.infer<typeof OpenAiErrorSchema>;

/**
 * An error body in OpenAI's shape: `type` is `server_error` for 5xx, else `invalid_request_error`.
 * @example c.json(openAiErrorBody(401, 'Invalid API key', 'unauthenticated'), 401);
 */
export function openAiErrorBody(status: number, message: string, code: string | null, param: string | null = null): OpenAiErrorBody {
  return { error: { message, type: status >= 500 ? 'server_error' : 'invalid_request_error', param, code } };
}

/**
 * An error OpenAI itself would answer with, code and all (e.g. HTTP 404 `model_not_found`).
 * @example throw new OpenAiError(404, 'The model `x` does not exist or you do not have access to it.', 'model_not_found');
 */
export class OpenAiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    message: string,
    readonly code: string | null,
    readonly param: string | null = null,
  ) {
    super(message);
    this.name = 'OpenAiError';
  }
}

/**
 * `onError` in OpenAI's shape: an {@link OpenAiError} as it is, anything else through `toApiError` with our code in
 * lower case; `log` sees every 5xx.
 * @example app.onError(openAiOnError(logThrown(logger)));
 */
export function openAiOnError(log: (err: unknown, c: Context) => void): ErrorHandler {
  return function handleOpenAiError(err, c) {
    if (err instanceof OpenAiError) return c.json(openAiErrorBody(err.status, err.message, err.code, err.param), err.status);
    const apiError = toApiError(err);
    if (apiError.status >= 500) log(err, c);
    return c.json(openAiErrorBody(apiError.status, apiError.message, apiError.code.toLowerCase()), apiError.status, apiError.headers);
  };
}

/**
 * A zod-openapi `defaultHook` in OpenAI's shape: 400 `validation_failed` naming the first field at fault as `param`
 * (and query or path values the platform cannot store, like the envelope's hook).
 * @example new OpenAPIHono({ defaultHook: openAiValidationHook });
 */
export function openAiValidationHook(
  result: ({ success: true } | { success: false; error: ZodError }) & { target?: string; data?: unknown },
  c: Context,
): Response | undefined {
  const unstorable = unstorableParameter(result);
  if (unstorable) return c.json(openAiErrorBody(400, unstorable.message, 'validation_failed', result.target ?? null), 400);
  if (result.success) return undefined;
  const issues = zodIssues(result.error);
  const message = `Invalid request: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`;
  const param = result.error.issues[0]?.path.join('.') || null;
  return c.json(openAiErrorBody(400, message, 'validation_failed', param), 400);
}
