/**
 * Writes the OpenAPI documents generated from the zod routes to `openapi/` (`npm run openapi`), or with `--check`
 * fails when the committed ones differ from what the code generates (CI runs that).
 */
import { readFile, mkdir, writeFile } from 'node:fs/promises';
import { createApp as createAssetApp } from '../apps/asset/app.ts';
import { createApp as createAuthApp } from '../apps/auth/app.ts';
import { createApp as createChatApp } from '../apps/chat/app.ts';
import { createApp as createGatewayApp } from '../apps/gateway/app.ts';
import { createApp as createKbApp } from '../apps/kb/app.ts';
import { createApp as createWebApp } from '../apps/web/app.ts';
import { inProcessClient } from '../lib/service/client.ts';
import type { ServiceClient, ServiceName } from '../lib/service/types.ts';
import { createTestRuntime } from '../lib/testing/harness.ts';

const check = process.argv.includes('--check');
const runtime = await createTestRuntime();
const noAssets = async () => null;
const apps = {
  auth: createAuthApp(runtime),
  chat: createChatApp(runtime),
  asset: createAssetApp(runtime),
  kb: createKbApp(runtime),
  web: createWebApp({ ...runtime, gateway: async () => new Response(null, { status: 503 }), publicGatewayUrl: '', staticAssets: noAssets }),
};
const services = Object.fromEntries(
  Object.entries(apps).map(([name, app]) => [name, inProcessClient(name as ServiceName, (r) => app.fetch(r))]),
) as Record<ServiceName, ServiceClient>;
const gateway = createGatewayApp({
  ...runtime,
  services,
  probes: {},
  docsAssets: noAssets,
  options: { corsOrigins: [], bodyLimitBytes: 1, upstreamTimeoutMs: 1_000, healthTimeoutMs: 1_000 },
});

const documents: [string, { fetch: (r: Request) => Response | Promise<Response> }][] = [...Object.entries(apps), ['gateway', gateway]];
const drifted: string[] = [];
await mkdir('openapi', { recursive: true });
for (const [name, app] of documents) {
  const doc = await (await app.fetch(new Request('http://local/openapi.json'))).json();
  const text = `${JSON.stringify(doc, null, 2)}\n`;
  const path = `openapi/${name}.json`;
  if (check) {
    const committed = await readFile(path, 'utf8').catch(() => '');
    if (committed !== text) drifted.push(path);
  } else {
    await writeFile(path, text);
    console.log(`wrote ${path}`);
  }
}
await runtime.close();
if (drifted.length) {
  console.error(`OpenAPI documents differ from the code: ${drifted.join(', ')}\nRun \`npm run openapi\` and commit the result.`);
  process.exit(1);
}
if (check) console.log('OpenAPI documents match the code.');
