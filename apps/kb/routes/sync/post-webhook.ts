import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { ApiError } from '../../../../lib/errors/api-error.ts';
import { errorResponses } from '../../../../lib/errors/envelope.ts';
import type { AppEnv } from '../../../../lib/http/env.ts';
import type { KbDeps } from '../../deps.ts';
import { verifyWebhook } from '../../git/webhook.ts';
import { json } from '../schemas.ts';

export const WebhookAcceptedSchema = z
  .object({ accepted: z.literal(true), provider: z.enum(['github', 'gitlab']) })
  .openapi('KbWebhookAccepted');

export const postWebhookRoute = createRoute({
  method: 'post',
  path: '/api/v1/kb/webhook',
  operationId: 'postKbWebhook',
  tags: ['kb'],
  summary: 'Push webhook from GitHub (X-Hub-Signature-256) or GitLab (X-Gitlab-Token): starts a sync',
  description:
    'No user credentials: the request is authenticated by its signature over the raw body with `KB_WEBHOOK_SECRET`. ' +
    'A bad or missing signature → 401. The sync runs in the background; `GET /api/v1/kb/sync` shows its outcome.',
  responses: { 202: json(WebhookAcceptedSchema, 'Signature valid; a sync was started'), ...errorResponses },
});

const refused = (message: string, reason: string) => new ApiError('UNAUTHENTICATED', message, { details: { reason } });

/** `POST /api/v1/kb/webhook`. */
export function registerPostWebhook(app: OpenAPIHono<AppEnv>, deps: KbDeps): void {
  app.openapi(postWebhookRoute, async (c) => {
    const secret = deps.settings.webhookSecret;
    if (!secret) throw refused('Webhooks are off: set KB_WEBHOOK_SECRET to the secret configured on the Git host', 'webhook_not_configured');
    const body = new Uint8Array(await c.req.arrayBuffer());
    const provider = await verifyWebhook(c.req.raw.headers, body, secret);
    if (!provider) throw refused('Invalid webhook signature', 'bad_signature');
    deps.kb.runtime();
    void deps.kb.syncNow().catch((err: unknown) => {
      deps.logger.warn('webhook sync failed', { error: err instanceof Error ? err.message : String(err) });
    });
    return c.json({ accepted: true as const, provider }, 202);
  });
}
