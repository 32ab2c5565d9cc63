import type { OpenAPIHono } from '@hono/zod-openapi';
import { SERVICE_NAMES, type ServiceName } from '../../../../lib/service/types.ts';
import { VERSION } from '../../../../lib/version.ts';
import type { GatewayDeps } from '../../deps.ts';
import type { GatewayEnv } from '../../env.ts';
import { mergeDocuments, type OpenApiDocument } from '../../openapi/merge.ts';

const CACHE_MS = 30_000;

async function fetchDocument(deps: GatewayDeps, name: ServiceName): Promise<OpenApiDocument | undefined> {
  try {
    const res = await deps.services[name].fetch(new Request('http://service/openapi.json'));
    if (res.ok) return (await res.json()) as OpenApiDocument;
    await res.body?.cancel();
  } catch (err) {
    deps.logger.warn('service OpenAPI document unavailable', { service: name, error: String(err) });
  }
  return undefined;
}

/** Builds the merged public document from the gateway's routes and the services' documents. */
export async function buildPublicDocument(app: OpenAPIHono<GatewayEnv>, deps: GatewayDeps): Promise<OpenApiDocument> {
  const own = app.getOpenAPI31Document({
    openapi: '3.1.0',
    info: {
      title: 'GAIA API',
      version: VERSION,
      description: 'The public API of the GAIA platform, served by its gateway.',
    },
  }) as OpenApiDocument;
  const docs = await Promise.all(SERVICE_NAMES.map(async (name) => [name, await fetchDocument(deps, name)] as const));
  return mergeDocuments(own, Object.fromEntries(docs));
}

/** `GET /openapi.json`: the merged public document (cached briefly; services' documents change only on deploy). */
export function registerGetOpenApi(app: OpenAPIHono<GatewayEnv>, deps: GatewayDeps): void {
  let cached: { doc: OpenApiDocument; at: number } | undefined;
  app.get('/openapi.json', async (c) => {
    if (!cached || Date.now() - cached.at > CACHE_MS) cached = { doc: await buildPublicDocument(app, deps), at: Date.now() };
    return c.json(cached.doc);
  });
}
