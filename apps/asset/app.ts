import type { OpenAPIHono } from '@hono/zod-openapi';
import { allowOnly } from '../../lib/gaia/caller.ts';
import { gaiaRouter } from '../../lib/gaia/router.ts';
import type { AppEnv } from '../../lib/http/env.ts';
import { createServiceApp } from '../../lib/openapi/service-app.ts';
import { PUBLIC_PATHS } from '../../lib/platform/public-paths.ts';
import { VERSION } from '../../lib/version.ts';
import type { AssetDeps } from './deps.ts';
import { registerGetAssetBudget } from './routes/budget/get-budget.ts';
import { registerDeleteAsset } from './routes/files/delete-asset.ts';
import { registerDownloadAsset } from './routes/files/download-asset.ts';
import { registerPreviewAsset } from './routes/files/preview-asset.ts';
import { registerGetGaiaAsset } from './routes/gaia/get-asset.ts';
import { registerGetGaiaAssets } from './routes/gaia/get-assets.ts';
import { registerGetAssetsTest } from './routes/gaia/get-assets-test.ts';
import { registerPostGaiaGenerate } from './routes/gaia/post-generate.ts';
import { registerCancelAssetJob } from './routes/jobs/cancel-job.ts';
import { registerGetAssetJob } from './routes/jobs/get-job.ts';
import { registerAssetJobEvents } from './routes/jobs/job-events.ts';
import { registerListAssetJobs } from './routes/jobs/list-jobs.ts';
import { registerPostAssetJob } from './routes/jobs/post-job.ts';
import { registerPostAssetWebhook } from './routes/webhooks/post-webhook.ts';

/** The asset service: asset generation jobs over several providers, storage and progress. */
export function createApp(deps: AssetDeps): OpenAPIHono<AppEnv> {
  const app = createServiceApp({
    service: 'asset',
    version: VERSION,
    logger: deps.logger,
    readiness: deps.readiness,
    authenticate: { verifier: deps.internalVerifier, publicPaths: [...PUBLIC_PATHS.asset] },
    description: 'Asset generation jobs over several providers, storage and progress.',
  });
  // Our routes first: they share GAIA's `/api/v1/assets/{asset_id}` shape (`jobs`, `budget`), so they must match first.
  registerGetAssetsTest(app);
  registerPostAssetJob(app, deps);
  registerListAssetJobs(app, deps);
  registerGetAssetJob(app, deps);
  registerCancelAssetJob(app, deps);
  registerAssetJobEvents(app, deps);
  registerGetAssetBudget(app, deps);
  registerPostAssetWebhook(app, deps);
  registerDeleteAsset(app, deps);
  registerDownloadAsset(app, deps);
  registerPreviewAsset(app, deps);
  const v1 = gaiaRouter(deps.logger);
  registerGetGaiaAssets(v1, deps);
  registerPostGaiaGenerate(v1, deps);
  registerGetGaiaAsset(v1, deps);
  allowOnly(v1, { '/assets': ['GET'], '/assets/generate': ['POST'], '/assets/test': ['GET'], '/assets/:asset_id': ['GET', 'DELETE'] });
  app.route('/api/v1', v1);
  return app;
}
