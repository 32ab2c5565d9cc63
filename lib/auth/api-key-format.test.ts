import { describe, expect, it } from 'vitest';
import {
  API_KEY_RANDOM_CHARS,
  base62,
  displayPrefix,
  generateApiKey,
  hashApiKey,
  isApiKeyShape,
  timingSafeEqual,
} from './api-key-format.ts';

describe('API key format', () => {
  it('is gaia_<env>_<33 base62 chars>, with a 14-character display prefix and a SHA-256 hex hash', async () => {
    const { secret, prefix, hash } = await generateApiKey('live');
    expect(secret).toMatch(/^gaia_live_[0-9A-Za-z]{33}$/);
    expect(prefix).toBe(secret.slice(0, 'gaia_live_'.length + 4));
    expect(prefix).toHaveLength(14);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).toBe(await hashApiKey(secret));
    expect(isApiKeyShape(secret)).toBe(true);
  });

  it('carries at least 128 bits: 24 random bytes, never repeating, every base62 digit in use', async () => {
    expect(API_KEY_RANDOM_CHARS * Math.log2(62)).toBeGreaterThan(192);
    const keys = await Promise.all(Array.from({ length: 2000 }, () => generateApiKey('test')));
    const randoms = keys.map((k) => k.secret.slice('gaia_test_'.length));
    expect(new Set(randoms).size).toBe(2000);
    expect(new Set(keys.map((k) => k.hash)).size).toBe(2000);
    // The first digit only spans 0..2 (2^192 / 62^32 ≈ 2.8); the other 32 are (nearly) uniform over all 62 symbols.
    const tail = randoms.map((r) => r.slice(1)).join('');
    const counts = new Map<string, number>();
    for (const ch of tail) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    expect(counts.size).toBe(62);
    const mean = tail.length / 62;
    for (const n of counts.values()) expect(Math.abs(n - mean) / mean).toBeLessThan(0.15);
  });

  it('encodes base62 big-endian with padding', () => {
    expect(base62(new Uint8Array([0]))).toBe('0');
    expect(base62(new Uint8Array([61]))).toBe('z');
    expect(base62(new Uint8Array([62]))).toBe('10');
    expect(base62(new Uint8Array([1, 0]), 4)).toBe('0048');
    expect(base62(new Uint8Array(24).fill(255))).toHaveLength(33);
  });

  it('refuses bad envs and recognises only well-formed keys', async () => {
    await expect(generateApiKey('Live')).rejects.toThrow(/env/);
    await expect(generateApiKey('a_b')).rejects.toThrow(/env/);
    for (const bad of ['', 'gaia_test_', 'gaia_test_short', 'sk-abc', `gaia_test_${'a'.repeat(65)}`, `gaia__${'a'.repeat(33)}`]) {
      expect(isApiKeyShape(bad), bad).toBe(false);
    }
    expect(isApiKeyShape(`gaia_prod2_${'A'.repeat(22)}`)).toBe(true);
    expect(() => displayPrefix('nope')).toThrow();
  });

  it('compares without depending on where strings differ', () => {
    expect(timingSafeEqual('abc', 'abc')).toBe(true);
    expect(timingSafeEqual('abc', 'abd')).toBe(false);
    expect(timingSafeEqual('abc', 'ab')).toBe(false);
    expect(timingSafeEqual('', '')).toBe(true);
  });
});
