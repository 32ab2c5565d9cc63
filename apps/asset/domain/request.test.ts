import { describe, expect, it } from 'vitest';
import { normalizeRequest } from './request.ts';

describe('normalizeRequest', () => {
  it('hashes two spellings of one request alike, and any real difference apart', async () => {
    const a = await normalizeRequest({ category: 'texture', style: 'Mossy', description: '  cobblestone   path ' });
    const b = await normalizeRequest({ category: 'texture', style: 'mossy ', description: 'Cobblestone path', requirements: null, session_id: null });
    expect(a.hash).toBe(b.hash);
    expect(a.generation.seed).toBe(a.hash.slice(0, 16));
    const others = await Promise.all([
      normalizeRequest({ category: 'image', style: 'mossy', description: 'cobblestone path' }),
      normalizeRequest({ category: 'texture', style: 'mossy', description: 'cobblestone paths' }),
      normalizeRequest({ category: 'texture', style: 'mossy', description: 'cobblestone path', requirements: { quality: 'high' } }),
      normalizeRequest({ category: 'texture', style: 'mossy', description: 'cobblestone path', provider: 'stability' }),
    ]);
    expect(new Set([a.hash, ...others.map((o) => o.hash)]).size).toBe(5);
  });

  it('maps GAIA’s categories to kinds, reads preferences with their defaults, and builds the prompt', async () => {
    const n = await normalizeRequest({
      category: 'character',
      style: 'low-poly',
      description: 'a knight',
      requirements: { quality: 'ultra', polygon_count_max: 5000, format: 'GLB', platform: 'unity' },
      preferences: { allow_generation: false, max_cost: 0.5, max_wait_time_ms: null },
    });
    expect(n.generation.kind).toBe('model3d');
    expect(n.generation.requirements).toEqual({ quality: 'ultra', polygonCountMax: 5000, format: 'glb', platform: 'unity' });
    expect(n.generation.prompt).toBe('a knight (low-poly style, character), ultra quality, for unity, at most 5000 polygons');
    expect([n.allowDatabase, n.allowGeneration, n.maxCostUsd, n.maxWaitMs, n.visibility]).toEqual([true, false, 0.5, undefined, 'private']);
  });
});
