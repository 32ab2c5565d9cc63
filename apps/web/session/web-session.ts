import { z } from 'zod';

/** A signed-in browser's session, kept only inside the sealed cookie: the gateway's tokens and who they are for. */
export interface WebSession {
  accessToken: string;
  refreshToken: string;
  /** When the access token expires (seconds since the epoch). */
  expiresAt: number;
  user: { id: string; email: string };
}

/** A session as the gateway's auth routes answer it (login, refresh, and register's `session`). */
export const GatewaySessionSchema = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1),
  expires_in: z.number().optional(),
  expires_at: z.number().optional(),
  user: z.object({ id: z.string(), email: z.string() }),
});
export type GatewaySession = z.infer<typeof GatewaySessionSchema>;

/** `POST /api/v1/auth/register`: the user, and a session unless the email must be confirmed first. */
export const GatewayRegistrationSchema = z.object({ session: GatewaySessionSchema.nullable() });

/**
 * The web session for a gateway session; the expiry comes from `expires_at`, else `expires_in` from now.
 * @example const session = toWebSession(GatewaySessionSchema.parse(await res.json()), Date.now());
 */
export function toWebSession(body: GatewaySession, nowMs: number): WebSession {
  const expiresAt = body.expires_at ?? Math.floor(nowMs / 1000) + (body.expires_in ?? 0);
  return { accessToken: body.access_token, refreshToken: body.refresh_token, expiresAt, user: { id: body.user.id, email: body.user.email } };
}
