import * as fs from 'node:fs';
import { testAssetSettings } from '../apps/asset/testing/settings.ts';
import { testAuthSettings } from '../apps/auth/testing.ts';
import { testChatSettings } from '../apps/chat/testing/settings.ts';
import { testKbSettings } from '../apps/kb/testing/settings.ts';
import { ScryptHasher } from '../apps/auth/node/scrypt-hasher.ts';
import { generateSigningKey } from '../lib/auth/signing-keys.ts';
import type { AssetSource } from '../lib/http/assets.ts';
import type { TestRuntime } from '../lib/testing/harness.ts';
import { buildPlatform, type PlatformApps, type PlatformInput } from './build.ts';

const noAssets: AssetSource = async () => null;

/**
 * The whole platform in-process on a test runtime (embedded or real backends): cheap password hashing, test auth
 * settings (issuer `https://auth.gaia.test`, no email confirmation), a fresh internal signing key, no static files, a
 * fresh local knowledge-base repository in a temp dir (removed by `stop()`), and the gateway on the runtime's KV with an in-memory rate limiter (pass `rateLimiter` for a Redis one).
 * @example const platform = await buildTestPlatform(runtime); await platform.started; await platform.gateway.request('/health');
 */
export async function buildTestPlatform(runtime: TestRuntime, overrides: Partial<PlatformInput> = {}): Promise<PlatformApps> {
  const { internalPublicKeys: _none, ...auth } = testAuthSettings();
  const kb = overrides.kb ?? testKbSettings();
  const ownAsset = overrides.asset ? undefined : testAssetSettings();
  const asset = overrides.asset ?? (ownAsset as NonNullable<typeof ownAsset>);
  const platform = buildPlatform({
    db: runtime.db,
    kv: runtime.kv,
    logger: runtime.logger,
    internalKey: await generateSigningKey('gateway-test'),
    auth,
    passwordHasher: new ScryptHasher({ cost: 2 ** 4 }),
    gateway: { corsOrigins: ['http://localhost:8080'], bodyLimitBytes: 1024, upstreamTimeoutMs: 5_000, healthTimeoutMs: 500 },
    docsAssets: noAssets,
    staticAssets: noAssets,
    publicGatewayUrl: 'http://localhost:8666',
    kb,
    chat: testChatSettings(),
    asset,
    assetShutdownMs: 2_000,
    fs,
    ...overrides,
  });
  // The knowledge base's temp repository and the asset files' temp dir go with the platform.
  return {
    ...platform,
    async stop() {
      await platform.stop();
      if (!overrides.kb) fs.rmSync(kb.dir.replace(/\/repo$/, ''), { recursive: true, force: true });
      if (ownAsset) fs.rmSync(ownAsset.storage.dir, { recursive: true, force: true });
    },
  };
}
