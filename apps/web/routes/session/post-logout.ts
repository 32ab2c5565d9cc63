import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../../../lib/http/env.ts';
import type { Sessions } from '../../session/sessions.ts';

/** `POST /logout`: ends the session at the gateway, clears the cookie, back to the sign-in page. */
export function registerPostLogout(app: OpenAPIHono<AppEnv>, sessions: Sessions): void {
  app.post('/logout', async (c) => {
    await sessions.end(c);
    return c.redirect('/login', 303);
  });
}
