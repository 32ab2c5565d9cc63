import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context, ErrorHandler } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ZodError } from 'zod';
import { toApiError, zodIssues } from '../../../../lib/errors/handler.ts';
import type { AppEnv } from '../../../../lib/http/env.ts';
import type { Logger } from '../../../../lib/logging/logger.ts';

/** OpenAI's error body, which its SDKs read (`status`, `code`, `type`, `param`): exactly these four keys. */
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

const describe = (description: string) => ({ description, content: { 'application/json': { schema: OpenAiErrorSchema } } });

/** The error responses of the OpenAI-compatible routes, for their specs. */
export const openAiErrorResponses = {
  400: describe('Malformed JSON or an invalid request'),
  403: describe('The caller may not chat'),
  404: describe('Unknown model (`model_not_found`) or conversation'),
  413: describe('The messages are too long'),
  500: describe('Unexpected failure'),
  502: describe('The model failed'),
  503: describe('The service is not ready'),
} as const;

/**
 * OpenAI's own refusal of a model it does not serve (HTTP 404, code `model_not_found`).
 * @example throw modelNotFound(body.model);
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

/** OpenAI's 404 for a model that does not exist here, word for word. */
export const modelNotFound = (model: string): OpenAiError =>
  new OpenAiError(404, `The model \`${model}\` does not exist or you do not have access to it.`, 'model_not_found');

function body(status: number, message: string, code: string | null, param: string | null): OpenAiErrorBody {
  return { error: { message, type: status >= 500 ? 'server_error' : 'invalid_request_error', param, code } };
}

/** `onError` of the OpenAI routes: every error in OpenAI's shape, with our code in lower case; 5xx logged. */
function openAiOnError(logger: Logger): ErrorHandler<AppEnv> {
  return function handleOpenAiError(err, c) {
    if (err instanceof OpenAiError) return c.json(body(err.status, err.message, err.code, err.param), err.status);
    const apiError = toApiError(err);
    if (apiError.status >= 500) logger.error('unhandled error', { requestId: c.get('requestId'), err });
    return c.json(body(apiError.status, apiError.message, apiError.code.toLowerCase(), null), apiError.status, apiError.headers);
  };
}

/** The zod-openapi `defaultHook` of the OpenAI routes: 400 naming the first field at fault as `param`. */
function openAiValidationHook(result: { success: true } | { success: false; error: ZodError; target?: string }, c: Context): Response | undefined {
  if (result.success) return undefined;
  const issues = zodIssues(result.error);
  const message = `Invalid request: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`;
  const param = result.error.issues[0]?.path.join('.') || null;
  return c.json(body(400, message, 'validation_failed', param), 400);
}

/**
 * A router for the OpenAI-compatible routes (`/v1/*`): they answer errors as OpenAI does, so OpenAI SDKs raise
 * their own error classes with `code`, `type` and `param` (the request id travels in `X-Request-Id`).
 * @example const v1 = createOpenAiRouter(deps.logger); registerChatCompletions(v1, deps); app.route('/', v1);
 */
export function createOpenAiRouter(logger: Logger): OpenAPIHono<AppEnv> {
  const router = new OpenAPIHono<AppEnv>({ defaultHook: openAiValidationHook });
  router.onError(openAiOnError(logger));
  return router;
}
