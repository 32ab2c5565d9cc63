import type { OpenAPIHono } from '@hono/zod-openapi';
import { GaiaError } from '../../../../lib/gaia/errors.ts';
import { gaiaRouter } from '../../../../lib/gaia/router.ts';
import type { AppEnv } from '../../../../lib/http/env.ts';
import type { AuthDeps } from '../../deps.ts';
import { registerGaiaMe } from './get-me.ts';
import { registerGaiaApiKeyLogin } from './post-api-key-login.ts';
import { registerGaiaConfirm } from './post-confirm.ts';
import { registerGaiaLogin } from './post-login.ts';
import { registerGaiaLogout } from './post-logout.ts';
import { registerGaiaRefresh } from './post-refresh.ts';
import { registerGaiaRegister } from './post-register.ts';
import { registerGaiaResendVerification } from './post-resend-verification.ts';
import { registerGaiaValidate } from './post-validate.ts';
import type { GaiaAuthVariant } from './variant.ts';

/** Each operation's path and method: any other method on these paths answers 405. */
const OPERATIONS: Record<string, 'GET' | 'POST'> = {
  '/login': 'POST',
  '/register': 'POST',
  '/refresh': 'POST',
  '/logout': 'POST',
  '/confirm': 'POST',
  '/resend-verification': 'POST',
  '/validate': 'POST',
  '/api-key-login': 'POST',
  '/me': 'GET',
};

/**
 * The GAIA auth operations for one prefix, on a router with GAIA's wire format: FastAPI 422 lists for validation
 * failures, `{"detail": ...}` bodies for errors (5xx logged, never shown), 405 for a known path with another method.
 * Mount it at `variant.prefix`.
 * @example app.route('/api/v1/auth', createGaiaAuthRouter(deps, { prefix: '/api/v1/auth', operationSuffix: 'V1' }));
 */
export function createGaiaAuthRouter(deps: AuthDeps, variant: GaiaAuthVariant): OpenAPIHono<AppEnv> {
  const router = gaiaRouter(deps.logger);
  registerGaiaLogin(router, deps, variant);
  registerGaiaRegister(router, deps, variant);
  registerGaiaRefresh(router, deps, variant);
  registerGaiaLogout(router, deps, variant);
  registerGaiaConfirm(router, deps, variant);
  registerGaiaResendVerification(router, deps, variant);
  registerGaiaValidate(router, deps, variant);
  registerGaiaApiKeyLogin(router, deps, variant);
  registerGaiaMe(router, deps, variant);
  for (const [path, method] of Object.entries(OPERATIONS)) {
    router.all(path, () => {
      throw new GaiaError(405, 'Method Not Allowed', { headers: { Allow: method } });
    });
  }
  return router;
}
