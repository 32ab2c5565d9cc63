import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { principalOf } from '../../../../lib/auth/middleware.ts';
import { requireGaiaPermission } from '../../../../lib/gaia/caller.ts';
import { GaiaError } from '../../../../lib/gaia/errors.ts';
import { GaiaDetailSchema } from '../../../../lib/gaia/schemas.ts';
import type { AppEnv } from '../../../../lib/http/env.ts';
import type { AssetDeps } from '../../deps.ts';
import { submitRequest } from '../../service/submit.ts';
import { waitForJob } from '../../service/watch.ts';
import type { JobRecord } from '../../store/jobs.ts';
import { jobPath } from '../../views/links.ts';
import { gaiaAsset } from '../../views/gaia-asset.ts';
import { AssetRequestSchema, json } from '../schemas.ts';
import { GaiaAssetSchema, gaiaAssetErrors } from './schemas.ts';

export const postGaiaGenerateRoute = createRoute({
  method: 'post',
  path: '/assets/generate',
  operationId: 'postGaiaGenerate',
  tags: ['gaia'],
  summary: 'GAIA: an asset for a request — an existing one that matches, or a new generation — once it is ready',
  description:
    'Answers when the asset is ready, waiting at most `preferences.max_wait_time_ms` (capped by `ASSET_MAX_WAIT_MS`). ' +
    'The jobs API (`POST /api/v1/assets/jobs`) is the asynchronous counterpart.',
  middleware: [requireGaiaPermission('asset:write')] as const,
  request: { body: { required: true, content: { 'application/json': { schema: AssetRequestSchema } } } },
  responses: {
    200: json(GaiaAssetSchema, 'The asset'),
    402: json(GaiaDetailSchema, 'A budget, or `max_cost`, would be exceeded (the detail names it and when it resets)'),
    ...gaiaAssetErrors,
    400: json(GaiaDetailSchema, 'Malformed JSON, refused text, or `Asset request failed: …` when the request cannot be served as asked'),
  },
});

/** Why a finished (or still running) job gave no asset, in GAIA's words. */
function failureOf(job: JobRecord | null, waitedMs: number): string {
  if (!job) return 'the job disappeared';
  if (job.state === 'failed') return job.error ?? 'the generation failed';
  if (job.state === 'cancelled') return 'the job was cancelled';
  return `the asset was not ready within ${waitedMs} ms; it is still being made (${jobPath(job.id)}) and sending the same request again returns it once done`;
}

/**
 * `POST /api/v1/assets/generate` → Asset (GAIA-API §11); 422 for an invalid body; `{"detail":"Asset request failed:
 * <reason>"}` with 400 when the request cannot be served as asked (the generator refused it, or its limits cannot be
 * met), 500 for any other failure.
 */
export function registerPostGaiaGenerate(router: OpenAPIHono<AppEnv>, deps: AssetDeps): void {
  router.openapi(postGaiaGenerateRoute, async (c) => {
    const started = performance.now();
    const principal = principalOf(c);
    const body = c.req.valid('json');
    const { core } = deps;
    const submitted = await submitRequest(core, principal, body);
    const place = { baseUrl: core.behaviour.publicBaseUrl, bucket: core.behaviour.storageBucket };
    if (submitted.outcome === 'reused' && submitted.asset) {
      return c.json(gaiaAsset(submitted.asset, { ...place, source: 'database', costMicros: 0, responseTimeMs: performance.now() - started }), 200);
    }
    const waitMs = Math.min(body.preferences?.max_wait_time_ms ?? core.behaviour.maxWaitMs, core.behaviour.maxWaitMs);
    const done = await waitForJob(core, submitted.job.id, waitMs, c.req.raw.signal);
    const asset = done?.state === 'succeeded' && done.assetId ? await core.assets.get(core.db, done.assetId) : null;
    if (!done || !asset) {
      // The request itself could not be served (refused, or its limits cannot be met): the caller's to change.
      const theirs = done?.errorCode === 'generation_refused' || done?.errorCode === 'file_too_large';
      throw new GaiaError(theirs ? 400 : 500, `Asset request failed: ${failureOf(done, waitMs)}`);
    }
    return c.json(
      gaiaAsset(asset, {
        ...place,
        source: done.source ?? 'generated',
        costMicros: done.costMicros ?? 0,
        responseTimeMs: performance.now() - started,
      }),
      200,
    );
  });
}
