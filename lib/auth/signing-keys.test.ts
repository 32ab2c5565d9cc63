import { calculateJwkThumbprint, type JWK } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  deserializeSigningKey,
  generateSigningKey,
  importSigningKey,
  KeyRing,
  serializeSigningKey,
  type SigningKey,
} from './signing-keys.ts';
import { signToken } from './tokens.ts';
import { createJwtVerifier } from './verify.ts';

const opts = { issuer: 'i', audience: 'a', subject: 's', ttlSeconds: 60 };

async function verifiesWith(signer: SigningKey, publicJwk: JWK): Promise<boolean> {
  const verifier = createJwtVerifier({ issuer: 'i', audience: 'a', algorithms: ['EdDSA', 'ES256'], jwks: { keys: [publicJwk] } });
  return verifier.verify(await signToken(signer, {}, opts)).then(
    () => true,
    () => false,
  );
}

describe('generateSigningKey', () => {
  it('makes an Ed25519 key whose kid is the public key thumbprint', async () => {
    const key = await generateSigningKey();
    expect(key.alg).toBe('EdDSA');
    expect(key.publicJwk).toMatchObject({ kty: 'OKP', crv: 'Ed25519', kid: key.kid, alg: 'EdDSA', use: 'sig' });
    expect(key.publicJwk).not.toHaveProperty('d');
    expect(key.privateJwk).toHaveProperty('d');
    expect(key.kid).toBe(await calculateJwkThumbprint({ kty: 'OKP', crv: 'Ed25519', x: key.publicJwk.x as string }));
    expect(Math.abs(key.createdAt - Date.now())).toBeLessThan(5_000);
    expect(Object.isFrozen(key) && Object.isFrozen(key.privateJwk)).toBe(true);
  });

  it('takes a kid, and makes ES256 keys on request', async () => {
    expect((await generateSigningKey('gw-2025-01')).kid).toBe('gw-2025-01');
    const es = await generateSigningKey(undefined, 'ES256');
    expect(es.publicJwk).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
    expect(await verifiesWith(es, es.publicJwk)).toBe(true);
  });
});

describe('importSigningKey and serialisation', () => {
  it('round-trips through JSON and still signs for the same public key', async () => {
    const key = await generateSigningKey('k');
    const json = serializeSigningKey(key);
    expect(JSON.parse(json)).toMatchObject({ kid: 'k', alg: 'EdDSA', createdAt: key.createdAt });
    const restored = await deserializeSigningKey(json);
    expect(restored.publicJwk).toEqual(key.publicJwk);
    expect(restored.createdAt).toBe(key.createdAt);
    expect(await verifiesWith(restored, key.publicJwk)).toBe(true);
  });

  it('infers alg and kid from a bare private JWK', async () => {
    const key = await generateSigningKey();
    const { kid: _kid, alg: _alg, use: _use, ...bare } = key.privateJwk;
    const imported = await importSigningKey(bare, { createdAt: 1 });
    expect(imported).toMatchObject({ kid: key.kid, alg: 'EdDSA', createdAt: 1 });
  });

  it('refuses public, symmetric, unsupported and mismatched keys', async () => {
    const a = await generateSigningKey('a');
    const b = await generateSigningKey('b');
    await expect(importSigningKey(a.publicJwk)).rejects.toThrow(/"d"/);
    await expect(importSigningKey({ kty: 'oct', k: 'c2VjcmV0' })).rejects.toThrow(TypeError);
    await expect(importSigningKey({ ...a.privateJwk, alg: 'RS256' })).rejects.toThrow(/unsupported alg/);
    await expect(importSigningKey({ ...a.privateJwk, alg: 'ES256' })).rejects.toThrow(/kty EC/);
    await expect(importSigningKey({ ...a.privateJwk, x: b.publicJwk.x })).rejects.toThrow(/unusable/);
  });

  it('refuses stored JSON whose kid does not match its key, or that is not a key', async () => {
    const key = await generateSigningKey('k');
    const stored = JSON.parse(serializeSigningKey(key)) as Record<string, unknown>;
    await expect(deserializeSigningKey(JSON.stringify({ ...stored, kid: 'other' }))).rejects.toThrow(/do not match/);
    await expect(deserializeSigningKey('{}')).rejects.toThrow(TypeError);
    await expect(deserializeSigningKey('not json')).rejects.toThrow();
  });
});

describe('KeyRing', () => {
  it('rotates, publishes only public parts, and prunes keys past their overlap', async () => {
    const t0 = 1_700_000_000_000;
    const [k1, k2, k3] = await Promise.all([generateSigningKey('k1'), generateSigningKey('k2'), generateSigningKey('k3')]);
    const ring = new KeyRing(k1);
    ring.rotate(k2, 60_000, t0);
    ring.rotate(k3, 120_000, t0 + 10_000);
    expect(ring.current()).toBe(k3);

    const { keys } = ring.publicJwks(t0 + 20_000);
    expect(keys.map((k) => k.kid)).toEqual(['k3', 'k1', 'k2']);
    for (const jwk of keys) {
      expect(jwk).toMatchObject({ alg: 'EdDSA', use: 'sig' });
      expect(jwk).not.toHaveProperty('d');
    }
    expect(ring.publicJwks(t0 + 60_000).keys.map((k) => k.kid)).toEqual(['k3', 'k2']);

    expect(ring.prune(t0 + 59_999)).toEqual([]);
    expect(ring.prune(t0 + 60_000)).toEqual(['k1']);
    expect(ring.previous().map((p) => p.key.kid)).toEqual(['k2']);
    expect(ring.prune(t0 + 130_000)).toEqual(['k2']);
    expect(ring.publicJwks(t0 + 130_000).keys.map((k) => k.kid)).toEqual(['k3']);
  });

  it('refuses a duplicate kid or a negative overlap; overlap 0 retires the old key at once', async () => {
    const ring = new KeyRing(await generateSigningKey('k1'));
    await expect(generateSigningKey('k1').then((k) => ring.rotate(k, 1_000))).rejects.toThrow(/already/);
    await expect(generateSigningKey('k2').then((k) => ring.rotate(k, -1))).rejects.toThrow(RangeError);
    ring.rotate(await generateSigningKey('k2'), 0, 5);
    expect(ring.publicJwks(5).keys.map((k) => k.kid)).toEqual(['k2']);
  });

  it('serialises with its retiring keys and their windows', async () => {
    const ring = new KeyRing(await generateSigningKey('old'));
    ring.rotate(await generateSigningKey('new'), 1_000, 100);
    const restored = await KeyRing.deserialize(ring.serialize());
    expect(restored.current().kid).toBe('new');
    expect(restored.previous().map((p) => [p.key.kid, p.verifyUntil])).toEqual([['old', 1_100]]);
    expect(restored.publicJwks(500)).toEqual(ring.publicJwks(500));
    await expect(KeyRing.deserialize('{"current":{}}')).rejects.toThrow(TypeError);
  });
});
