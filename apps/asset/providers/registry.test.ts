import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../lib/errors/api-error.ts';
import { createMemoryLogger } from '../../../lib/logging/logger.ts';
import { createAssetProviderRegistry, DEFAULT_ROUTES, KIND_OF_CATEGORY } from './registry.ts';
import { ASSET_CATEGORIES } from './types.ts';

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
