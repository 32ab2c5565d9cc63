/**
 * Writes the OpenAPI documents generated from the zod routes to `openapi/` (`npm run openapi`), or with `--check`
 * fails when the committed ones differ from what the code generates (CI runs that).
 */
import { readFile, mkdir, writeFile } from 'node:fs/promises';
import { buildTestPlatform } from '../all-in-one/testing.ts';
import { createTestRuntime } from '../lib/testing/harness.ts';

const check = process.argv.includes('--check');
const runtime = await createTestRuntime();
const platform = await buildTestPlatform(runtime);

const documents: [string, { fetch: (r: Request) => Response | Promise<Response> }][] = [
  ...Object.entries(platform.services),
  ['web', platform.web],
  ['gateway', platform.gateway],
];
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
await platform.stop();
await runtime.close();
if (drifted.length) {
  console.error(`OpenAPI documents differ from the code: ${drifted.join(', ')}\nRun \`npm run openapi\` and commit the result.`);
  process.exit(1);
}
if (check) console.log('OpenAPI documents match the code.');
