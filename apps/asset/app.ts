import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../lib/http/env.ts';
import { createServiceApp } from '../../lib/openapi/service-app.ts';
import { PUBLIC_PATHS } from '../../lib/platform/public-paths.ts';
import { VERSION } from '../../lib/version.ts';
import type { AssetDeps } from './deps.ts';
import { registerGetAssetsTest } from './routes/gaia/get-assets-test.ts';

/** The asset service: Asset generation jobs over several providers, storage and progress. */
export function createApp(deps: AssetDeps): OpenAPIHono<AppEnv> {
  const app = createServiceApp({
    service: 'asset',
    version: VERSION,
    logger: deps.logger,
    readiness: deps.readiness,
    authenticate: { verifier: deps.internalVerifier, publicPaths: [...PUBLIC_PATHS.asset] },
    description: 'Asset generation jobs over several providers, storage and progress.',
  });
  registerGetAssetsTest(app);
  return app;
}
