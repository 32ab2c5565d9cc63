import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { ApiError } from '../../../../lib/errors/api-error.ts';
import { ErrorEnvelopeSchema, errorResponses } from '../../../../lib/errors/envelope.ts';
import type { AppEnv } from '../../../../lib/http/env.ts';
import { findInputProblem } from '../../../../lib/http/input-text.ts';
import type { AssetDeps } from '../../deps.ts';
import { CHANNELS, publishQuietly } from '../../jobs/channels.ts';
import { json } from '../schemas.ts';

/** Largest webhook body read (providers send small JSON notifications). */
const MAX_WEBHOOK_BYTES = 256 * 1024;

export const WebhookParamsSchema = z.object({
  provider: z
    .string()
    .regex(/^[a-z0-9-]{1,32}$/, 'must be a provider name, e.g. meshy')
    .openapi({ param: { name: 'provider', in: 'path' }, description: 'The provider sending it (midjourney, meshy…)' }),
});

export const WebhookReceiptSchema = z.object({ received: z.literal(true) }).openapi('AssetWebhookReceipt');

export const postAssetWebhookRoute = createRoute({
  method: 'post',
  path: '/api/v1/assets/webhooks/{provider}',
  operationId: 'postAssetWebhook',
  tags: ['assets'],
  summary: "A provider's task notification (public: authenticated by the provider's signature)",
  description:
    'Verified by the provider’s own scheme (its signature header over the raw body); the job waiting for the task — on ' +
    'whichever instance runs it — gets the payload.',
  request: { params: WebhookParamsSchema },
  responses: {
    200: json(WebhookReceiptSchema, 'Verified and delivered'),
    401: json(ErrorEnvelopeSchema, 'The signature did not verify'),
    404: json(ErrorEnvelopeSchema, 'No such provider, or it takes no webhooks'),
    ...errorResponses,
  },
});

/** `POST /api/v1/assets/webhooks/{provider}` → `{received: true}`. */
export function registerPostAssetWebhook(app: OpenAPIHono<AppEnv>, deps: AssetDeps): void {
  app.openapi(postAssetWebhookRoute, async (c) => {
    const { provider: name } = c.req.valid('param');
    const { core } = deps;
    const provider = core.providers.get(name);
    if (!provider?.webhook) throw new ApiError('NOT_FOUND', `No provider "${name}" takes webhooks here`);
    const declared = Number(c.req.header('content-length') ?? 0);
    if (declared > MAX_WEBHOOK_BYTES) throw new ApiError('PAYLOAD_TOO_LARGE', `Webhook bodies are at most ${MAX_WEBHOOK_BYTES} bytes`);
    const bytes = new Uint8Array(await c.req.arrayBuffer());
    if (bytes.byteLength > MAX_WEBHOOK_BYTES) throw new ApiError('PAYLOAD_TOO_LARGE', `Webhook bodies are at most ${MAX_WEBHOOK_BYTES} bytes`);
    const raw = new TextDecoder().decode(bytes);
    const verified = provider.webhook.verify(c.req.raw.headers, raw);
    if (!verified) {
      core.logger.warn('asset webhook refused: bad signature', { provider: name });
      throw new ApiError('UNAUTHENTICATED', 'The webhook signature did not verify', { details: { reason: 'bad_signature' } });
    }
    const problem = findInputProblem(verified.payload);
    if (problem || verified.taskId.length > 200) throw new ApiError('BAD_REQUEST', 'The webhook payload holds text that cannot be stored');
    await core.callbacks.put(core.db, name, verified.taskId, verified.payload);
    await publishQuietly(core.kv, core.logger, CHANNELS.callback(name, verified.taskId), '1');
    core.logger.info('asset webhook delivered', { provider: name, taskId: verified.taskId });
    return c.json({ received: true as const }, 200);
  });
}
