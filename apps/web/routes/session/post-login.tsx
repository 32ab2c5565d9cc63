import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../../../lib/http/env.ts';
import type { WebDeps } from '../../deps.ts';
import { callGateway } from '../../gateway/call-gateway.ts';
import { errorMessage } from '../../gateway/error-message.ts';
import type { Sessions } from '../../session/sessions.ts';
import { GatewaySessionSchema, toWebSession } from '../../session/web-session.ts';
import { LoginPage } from '../../views/session/login-page.tsx';
import { safeNext } from '../../session/local-path.ts';
import { readCredentials } from './credentials-form.ts';

/** `POST /login`: signs in at the gateway; the tokens go into the sealed cookie, problems back into the form. */
export function registerPostLogin(app: OpenAPIHono<AppEnv>, deps: WebDeps, sessions: Sessions): void {
  app.post('/login', async (c) => {
    const input = await readCredentials(c);
    if ('problem' in input) {
      return c.html(<LoginPage next={input.next} email={input.email} error={{ form: 'login', message: input.problem }} />, 400);
    }
    const { email, password, next } = input.form;
    const res = await callGateway(deps, c, { method: 'POST', path: '/api/v1/auth/login', json: { email, password } });
    const parsed = res.ok ? GatewaySessionSchema.safeParse(await res.json().catch(() => undefined)) : null;
    if (!parsed?.success) {
      const message = parsed ? 'The platform answered an unreadable session' : await errorMessage(res);
      return c.html(<LoginPage next={safeNext(next)} email={email} error={{ form: 'login', message }} />, !res.ok && res.status < 500 ? 400 : 502);
    }
    await sessions.start(c, toWebSession(parsed.data, Date.now()));
    return c.redirect(safeNext(next), 303);
  });
}
