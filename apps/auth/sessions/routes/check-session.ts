import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { authErrorResponses, errorResponses } from '../../../../lib/errors/envelope.ts';
import type { AppEnv } from '../../../../lib/http/env.ts';
import { requireService } from '../../api-keys/routes/caller.ts';
import { json, jsonBody } from '../../api-keys/routes/schemas.ts';
import type { AuthDeps } from '../../deps.ts';
import { accessOf } from '../../users/roles.ts';
import { isSessionActive } from '../refresh-tokens.ts';

export const CheckSessionBodySchema = z
  .object({
    userId: z.guid().openapi({ description: "The token's `sub`" }),
    sessionId: z.guid().optional().openapi({ description: "The token's `sid`, if it has one" }),
  })
  .openapi('CheckSessionBody');

export const SessionStateSchema = z
  .object({
    tokenVersion: z.number().int().min(0).nullable().openapi({ description: "The user's token version; null: no such user" }),
    session: z.enum(['active', 'ended']).optional().openapi({ description: 'The state of `sessionId`, when it was sent' }),
  })
  .openapi('SessionState');

export type CheckSessionBody = z.infer<typeof CheckSessionBodySchema>;
export type SessionState = z.infer<typeof SessionStateSchema>;

export const checkSessionRoute = createRoute({
  method: 'post',
  path: '/internal/sessions/check',
  operationId: 'checkSession',
  tags: ['internal'],
  summary: "For the gateway (a service identity): a user's token version and whether a session stands, from the database",
  description:
    'What the KV records `auth:token-version:<user>` and `auth:session:<sid>` cache: the gateway asks when a record is ' +
    'missing, older than its last revocation-feed gap, or the KV is down.',
  middleware: [requireService()] as const,
  request: { body: jsonBody(CheckSessionBodySchema) },
  responses: { 200: json(SessionStateSchema, 'The state'), ...errorResponses, ...authErrorResponses },
});

/** `POST /internal/sessions/check`. */
export function registerCheckSession(app: OpenAPIHono<AppEnv>, deps: AuthDeps): void {
  app.openapi(checkSessionRoute, async (c) => {
    const { userId, sessionId } = c.req.valid('json');
    const [access, active] = await Promise.all([
      accessOf(deps.db, userId),
      sessionId === undefined ? undefined : isSessionActive(deps, sessionId, userId),
    ]);
    const state: SessionState = { tokenVersion: access?.tokenVersion ?? null };
    if (active !== undefined) state.session = active ? 'active' : 'ended';
    return c.json(state, 200);
  });
}
