import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../../../lib/http/env.ts';
import type { WebDeps } from '../../deps.ts';
import { callGateway } from '../../gateway/call-gateway.ts';
import { errorMessage } from '../../gateway/error-message.ts';
import type { Sessions } from '../../session/sessions.ts';
import { GatewayRegistrationSchema, toWebSession } from '../../session/web-session.ts';
import { LoginPage } from '../../views/session/login-page.tsx';
import { safeNext } from '../../session/local-path.ts';
import { readCredentials } from './credentials-form.ts';

/**
 * `POST /register`: creates the account at the gateway and signs in; when the platform wants the email confirmed
 * first, the page says so instead.
 */
export function registerPostRegister(app: OpenAPIHono<AppEnv>, deps: WebDeps, sessions: Sessions): void {
  app.post('/register', async (c) => {
    const input = await readCredentials(c);
    if ('problem' in input) {
      return c.html(<LoginPage next={input.next} email={input.email} error={{ form: 'register', message: input.problem }} />, 400);
    }
    const { email, password, next } = input.form;
    const res = await callGateway(deps, c, { method: 'POST', path: '/api/v1/auth/register', json: { email, password } });
    const parsed = res.ok ? GatewayRegistrationSchema.safeParse(await res.json().catch(() => undefined)) : null;
    if (!parsed?.success) {
      const message = parsed ? 'The platform answered an unreadable registration' : await errorMessage(res);
      return c.html(<LoginPage next={safeNext(next)} email={email} error={{ form: 'register', message }} />, !res.ok && res.status < 500 ? 400 : 502);
    }
    if (!parsed.data.session) {
      return c.html(<LoginPage next={safeNext(next)} notice="Account created. Confirm your email with the link we sent, then sign in." />);
    }
    await sessions.start(c, toWebSession(parsed.data.session, Date.now()));
    return c.redirect(safeNext(next), 303);
  });
}
