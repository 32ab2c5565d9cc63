import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../lib/errors/api-error.ts';
import { createMemoryLogger } from '../../../lib/logging/logger.ts';
import { type AssetProviderSettings, createAssetProviderRegistry, DEFAULT_ROUTES, KIND_OF_CATEGORY } from './registry.ts';
import { testRuntime } from './testing/generation.ts';
import { ASSET_CATEGORIES, type AssetCategory } from './types.ts';

const errorOf = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
};

describe('asset provider registry without keys', () => {
  it('sends every category to local, saying which provider routing wanted and what to set', () => {
    const logger = createMemoryLogger();
    const registry = createAssetProviderRegistry({}, logger);
    expect(registry.names()).toEqual(['local']);

    for (const category of ASSET_CATEGORIES) {
      const resolved = registry.resolve({ category, kind: KIND_OF_CATEGORY[category] });
      expect(resolved.provider.name).toBe('local');
      expect(resolved.fallback?.wanted).toEqual(DEFAULT_ROUTES[category]);
    }
    expect(registry.resolve({ category: 'texture', kind: 'texture' }).fallback?.reason).toBe(
      'midjourney is not configured (set MIDJOURNEY_PROXY_URL); stability is not configured (set STABILITY_API_KEY)',
    );
    expect(logger.entries().filter((e) => e.msg === 'asset routed to the local provider')).toHaveLength(ASSET_CATEGORIES.length + 1);
  });

  it('takes local when a route names it, with no fallback note', () => {
    const registry = createAssetProviderRegistry({ routes: { image: ['local'] } }, createMemoryLogger());
    expect(registry.resolve({ category: 'image', kind: 'image' })).toEqual({ provider: registry.get('local') });
  });

  it('refuses an explicitly requested provider that is unknown, not configured, or does not make the kind', () => {
    const registry = createAssetProviderRegistry({}, createMemoryLogger());
    const unknown = errorOf(() => registry.resolve({ category: 'image', kind: 'image', provider: 'dalle' }));
    const missing = errorOf(() => registry.resolve({ category: 'texture', kind: 'texture', provider: 'stability' }));

    expect(unknown).toBeInstanceOf(ApiError);
    expect(unknown).toMatchObject({ code: 'VALIDATION_FAILED', status: 400, message: "Unknown asset provider 'dalle': use one of local, openai, stability, midjourney, mubert, meshy" });
    expect(missing).toMatchObject({
      code: 'VALIDATION_FAILED',
      message: "Asset provider 'stability' is not configured: set STABILITY_API_KEY, or use one of local",
      details: { field: 'provider', configured: ['local'] },
    });
    expect(registry.resolve({ category: 'audio', kind: 'audio', provider: 'local' }).provider.name).toBe('local');
    expect(registry.get('nope')).toBeUndefined();
    expect(registry.get('__proto__')).toBeUndefined();
  });
});

describe('asset provider registry with providers configured', () => {
  const runtime = testRuntime();
  const all: AssetProviderSettings = {
    openai: { apiKey: 'sk', runtime },
    stability: { apiKey: 'sk', runtime },
    midjourney: { baseUrl: 'http://mj.invalid', runtime },
    mubert: { customerId: 'c', accessToken: 't', runtime },
    meshy: { apiKey: 'msy', webhookSecret: 'whsec', runtime },
  };
  const routed = (registry: ReturnType<typeof createAssetProviderRegistry>, category: AssetCategory) =>
    registry.resolve({ category, kind: KIND_OF_CATEGORY[category] }).provider.name;

  it('routes as GAIA does: 3D to meshy, textures to midjourney first, images to openai, audio to mubert', () => {
    const registry = createAssetProviderRegistry(all, createMemoryLogger());
    expect(registry.names()).toEqual(['local', 'openai', 'stability', 'midjourney', 'mubert', 'meshy']);
    expect(Object.fromEntries(ASSET_CATEGORIES.map((c) => [c, routed(registry, c)]))).toEqual({
      environment: 'meshy',
      character: 'meshy',
      prop: 'meshy',
      animation: 'meshy',
      texture: 'midjourney',
      image: 'openai',
      audio: 'mubert',
    });
    expect(registry.get('meshy')?.webhook).toBeDefined();
    expect(registry.get('midjourney')?.webhook).toBeUndefined();
  });

  it('takes the next configured provider of a route, and ASSET_ROUTES overrides', () => {
    const { midjourney: _, ...withoutMidjourney } = all;
    expect(routed(createAssetProviderRegistry(withoutMidjourney, createMemoryLogger()), 'texture')).toBe('stability');

    const overridden = createAssetProviderRegistry({ ...all, routes: { texture: ['stability'], image: ['local'], prop: ['local'] } }, createMemoryLogger());
    expect([routed(overridden, 'texture'), routed(overridden, 'image'), routed(overridden, 'prop'), routed(overridden, 'character')]).toEqual(['stability', 'local', 'local', 'meshy']);
  });

  it('honours a per-request provider that makes the kind, and refuses one that does not', () => {
    const registry = createAssetProviderRegistry(all, createMemoryLogger());
    expect(registry.resolve({ category: 'texture', kind: 'texture', provider: 'openai' }).provider.name).toBe('openai');
    const wrongKind = errorOf(() => registry.resolve({ category: 'audio', kind: 'audio', provider: 'stability' }));
    expect(wrongKind).toMatchObject({ code: 'VALIDATION_FAILED', message: "Asset provider 'stability' makes image, texture, not audio" });
  });
});
