import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../../../lib/http/env.ts';
import type { Sessions } from '../../session/sessions.ts';
import { LoginPage } from '../../views/session/login-page.tsx';
import { safeNext } from '../../session/local-path.ts';

/** `GET /login`: the sign-in and sign-up forms (a signed-in browser goes straight on). */
export function registerGetLogin(app: OpenAPIHono<AppEnv>, sessions: Sessions): void {
  app.get('/login', async (c) => {
    const next = safeNext(c.req.query('next'));
    if (await sessions.current(c)) return c.redirect(next, 303);
    return c.html(<LoginPage next={next} />);
  });
}
