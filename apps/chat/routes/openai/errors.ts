import type { OpenAPIHono } from '@hono/zod-openapi';
import { logThrown } from '../../../../lib/errors/log-error.ts';
import type { AppEnv } from '../../../../lib/http/env.ts';
import type { Logger } from '../../../../lib/logging/logger.ts';
import { OpenAiError, OpenAiErrorSchema, openAiOnError, openAiValidationHook } from '../../../../lib/openai/errors.ts';
import { createRouter } from '../../../../lib/openapi/service-app.ts';

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

/** OpenAI's 404 for a model that does not exist here, word for word. */
export const modelNotFound = (model: string): OpenAiError =>
  new OpenAiError(404, `The model \`${model}\` does not exist or you do not have access to it.`, 'model_not_found');

/**
 * A router for the OpenAI-compatible routes (`/v1/*`): they answer errors as OpenAI does, so OpenAI SDKs raise
 * their own error classes with `code`, `type` and `param` (the request id travels in `X-Request-Id`).
 * @example const v1 = createOpenAiRouter(deps.logger); registerChatCompletions(v1, deps); app.route('/', v1);
 */
export function createOpenAiRouter(logger: Logger): OpenAPIHono<AppEnv> {
  // createRouter: JSON bodies pass the shared strict reading (UTF-8, NUL, surrogates, nesting) first.
  const router = createRouter({ defaultHook: openAiValidationHook as never });
  router.onError(openAiOnError(logThrown(logger)));
  return router;
}
