import { base64url, decodeJwt, SignJWT, UnsecuredJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateSigningKey, KeyRing, type SigningKey } from './signing-keys.ts';
import { type SignTokenOptions, signToken } from './tokens.ts';
import { createJwtVerifier, type JwksDocument, type JwtVerifierOptions } from './verify.ts';
import { tokenErrorReason } from '../testing/token-errors.ts';

const ISSUER = 'gaia-auth';
const AUDIENCE = 'gaia';
const base: SignTokenOptions = { issuer: ISSUER, audience: AUDIENCE, subject: 'user-1', ttlSeconds: 300 };

let key: SigningKey;
let jwks: JwksDocument;

beforeAll(async () => {
  key = await generateSigningKey('k1');
  jwks = { keys: [key.publicJwk] };
});

function verifier(overrides: Partial<JwtVerifierOptions> = {}) {
  return createJwtVerifier({ issuer: ISSUER, audience: AUDIENCE, algorithms: ['EdDSA'], jwks, ...overrides });
}

describe('createJwtVerifier', () => {
  it('round-trips a signed token', async () => {
    const token = await signToken(key, { scope: 'kb:read' }, { ...base, type: 'at+jwt' });
    const result = await verifier({ type: 'at+jwt' }).verify(token);
    expect(result.subject).toBe('user-1');
    expect(result.claims).toMatchObject({ iss: ISSUER, aud: AUDIENCE, scope: 'kb:read' });
    expect(result.header).toMatchObject({ alg: 'EdDSA', kid: 'k1', typ: 'at+jwt' });
  });

  it('accepts any of several audiences and issuers', async () => {
    const token = await signToken(key, {}, { ...base, audience: ['kb', 'chat'] });
    await expect(verifier({ audience: 'chat', issuer: ['other', ISSUER] }).verify(token)).resolves.toBeDefined();
  });

  it('rejects garbage and empty input as malformed', async () => {
    for (const bad of ['', 'abc', 'a.b.c', 'a.b', `${'x'.repeat(20_000)}.y.z`]) {
      expect(await tokenErrorReason(verifier().verify(bad))).toBe('malformed');
    }
  });

  it('rejects alg none', async () => {
    const token = new UnsecuredJWT({ sub: 'user-1' }).setIssuer(ISSUER).setAudience(AUDIENCE).setExpirationTime('5m').encode();
    expect(await tokenErrorReason(verifier().verify(token))).toBe('wrong_algorithm');
  });

  it('rejects HS256 signed with the public key as the secret (algorithm confusion)', async () => {
    const secrets = [new TextEncoder().encode(JSON.stringify(key.publicJwk)), base64url.decode(key.publicJwk.x as string)];
    for (const secret of secrets) {
      const token = await new SignJWT({})
        .setProtectedHeader({ alg: 'HS256', kid: 'k1' })
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setSubject('user-1')
        .setExpirationTime('5m')
        .sign(secret);
      expect(await tokenErrorReason(verifier().verify(token))).toBe('wrong_algorithm');
    }
  });

  it('rejects an ES256 token at an EdDSA-only verifier, and an EdDSA kid used with ES256', async () => {
    const es = await generateSigningKey('es', 'ES256');
    const token = await signToken(es, {}, base);
    expect(await tokenErrorReason(verifier({ jwks: { keys: [es.publicJwk] } }).verify(token))).toBe('wrong_algorithm');
    // Header says ES256 but the kid names the Ed25519 key: the key is pinned to its own algorithm.
    const confused = await new SignJWT({})
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject('user-1')
      .setExpirationTime('5m')
      .sign(await crypto.subtle.importKey('jwk', es.privateJwk as JsonWebKey, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']));
    const both = verifier({ algorithms: ['EdDSA', 'ES256'], jwks: { keys: [key.publicJwk, es.publicJwk] } });
    expect(await tokenErrorReason(both.verify(confused))).toBe('wrong_algorithm');
    await expect(both.verify(token)).resolves.toMatchObject({ header: { alg: 'ES256', kid: 'es' } });
  });

  it('rejects an unknown kid, and a token without kid', async () => {
    const stranger = await generateSigningKey('k2');
    expect(await tokenErrorReason(verifier().verify(await signToken(stranger, {}, base)))).toBe('unknown_kid');
    const noKid = await new SignJWT({})
      .setProtectedHeader({ alg: 'EdDSA' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject('user-1')
      .setExpirationTime('5m')
      .sign(await crypto.subtle.importKey('jwk', key.privateJwk as JsonWebKey, { name: 'Ed25519' }, false, ['sign']));
    expect(await tokenErrorReason(verifier().verify(noKid))).toBe('malformed');
  });

  it('rejects a token signed by another key that claims the same kid', async () => {
    const impostor = await generateSigningKey('k1');
    expect(await tokenErrorReason(verifier().verify(await signToken(impostor, {}, base)))).toBe('bad_signature');
  });

  it('rejects a tampered payload', async () => {
    const token = await signToken(key, { roles: ['user'] }, base);
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const claims = JSON.parse(new TextDecoder().decode(base64url.decode(payload))) as Record<string, unknown>;
    const forged = base64url.encode(JSON.stringify({ ...claims, roles: ['super_admin'] }));
    expect(await tokenErrorReason(verifier().verify(`${header}.${forged}.${signature}`))).toBe('bad_signature');
    expect(await tokenErrorReason(verifier().verify(`${header}.${payload}.${signature.slice(0, -4)}AAAA`))).toBe('bad_signature');
  });

  it('rejects an expired token beyond the tolerance, and accepts one within it', async () => {
    const now = Date.now();
    const expiredLongAgo = await signToken(key, {}, { ...base, ttlSeconds: 60, now: now - 120_000 });
    expect(await tokenErrorReason(verifier().verify(expiredLongAgo))).toBe('expired');
    const justExpired = await signToken(key, {}, { ...base, ttlSeconds: 60, now: now - 70_000 });
    await expect(verifier().verify(justExpired)).resolves.toBeDefined();
    expect(await tokenErrorReason(verifier({ clockToleranceS: 0 }).verify(justExpired))).toBe('expired');
  });

  it('rejects a token whose nbf is in the future', async () => {
    const token = await signToken(key, {}, { ...base, now: Date.now() + 120_000 });
    expect(await tokenErrorReason(verifier().verify(token))).toBe('not_yet_valid');
  });

  it('rejects the wrong issuer, audience and type', async () => {
    expect(await tokenErrorReason(verifier().verify(await signToken(key, {}, { ...base, issuer: 'evil' })))).toBe('wrong_issuer');
    expect(await tokenErrorReason(verifier().verify(await signToken(key, {}, { ...base, audience: 'kb' })))).toBe('wrong_audience');
    const typed = verifier({ type: 'gaia-internal+jwt' });
    expect(await tokenErrorReason(typed.verify(await signToken(key, {}, { ...base, type: 'at+jwt' })))).toBe('wrong_type');
    expect(await tokenErrorReason(typed.verify(await signToken(key, {}, base)))).toBe('wrong_type');
  });

  it('requires exp', async () => {
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'EdDSA', kid: 'k1' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject('user-1')
      .sign(await crypto.subtle.importKey('jwk', key.privateJwk as JsonWebKey, { name: 'Ed25519' }, false, ['sign']));
    expect(decodeJwt(token).exp).toBeUndefined();
    expect(await tokenErrorReason(verifier().verify(token))).toBe('malformed');
  });

  it('refuses a JWKS that publishes private keys', () => {
    expect(() => verifier({ jwks: { keys: [key.privateJwk] } })).toThrow(/private/);
    expect(() => verifier({ algorithms: [] })).toThrow(TypeError);
  });
});

describe('key rotation', () => {
  it('verifies the old key during the overlap and refuses it (unknown_kid) after prune', async () => {
    let now = 1_700_000_000_000;
    const ring = new KeyRing(await generateSigningKey('old'));
    const oldToken = await signToken(ring.current(), {}, { ...base, ttlSeconds: 600, now });
    ring.rotate(await generateSigningKey('new'), 60_000, now);
    const newToken = await signToken(ring.current(), {}, { ...base, ttlSeconds: 600, now });
    const v = verifier({ jwks: { fetch: async () => ring.publicJwks(now), cacheMs: 0 }, now: () => now });

    await expect(v.verify(oldToken)).resolves.toBeDefined();
    await expect(v.verify(newToken)).resolves.toBeDefined();

    now += 61_000;
    expect(ring.prune(now)).toEqual(['old']);
    expect(await tokenErrorReason(v.verify(oldToken))).toBe('unknown_kid');
    await expect(v.verify(newToken)).resolves.toBeDefined();
  });
});

describe('JWKS cache', () => {
  it('fetches once for many verifications, and refetches on an unknown kid at most once per cooldown', async () => {
    let now = 1_700_000_000_000;
    const ring = new KeyRing(await generateSigningKey('a'));
    let fetches = 0;
    const source = {
      fetch: async () => {
        fetches++;
        return ring.publicJwks(now);
      },
      cacheMs: 10 * 60_000,
      refetchCooldownMs: 30_000,
    };
    const v = verifier({ jwks: source, now: () => now });
    const tokenA = await signToken(ring.current(), {}, { ...base, now });

    await Promise.all(Array.from({ length: 20 }, () => v.verify(tokenA)));
    for (let i = 0; i < 20; i++) await v.verify(tokenA);
    expect(fetches).toBe(1);

    // A rotation: the first token with the new kid triggers one refetch, which finds it.
    now += 40_000;
    ring.rotate(await generateSigningKey('b'), 5 * 60_000, now);
    const tokenB = await signToken(ring.current(), {}, { ...base, now });
    await v.verify(tokenB);
    expect(fetches).toBe(2);
    await v.verify(tokenB);
    expect(fetches).toBe(2);

    // Unknown kids inside the cooldown do not hit the source again.
    const stranger = await signToken(await generateSigningKey('zzz'), {}, { ...base, now });
    for (let i = 0; i < 5; i++) expect(await tokenErrorReason(v.verify(stranger))).toBe('unknown_kid');
    expect(fetches).toBe(2);
    now += 31_000;
    expect(await tokenErrorReason(v.verify(stranger))).toBe('unknown_kid');
    expect(fetches).toBe(3);

    // The whole set is refetched once cacheMs has passed.
    now += 10 * 60_000;
    await v.verify(await signToken(ring.current(), {}, { ...base, now }));
    expect(fetches).toBe(4);
  });

  it('fails (not as a TokenError) when nothing can be fetched, and keeps a stale set when a refresh fails', async () => {
    let now = 1_700_000_000_000;
    let up = false;
    const refreshErrors: unknown[] = [];
    const k = await generateSigningKey('s');
    const v = verifier({
      jwks: {
        fetch: async () => {
          if (!up) throw new Error('jwks endpoint down');
          return { keys: [k.publicJwk] };
        },
        cacheMs: 1_000,
        onRefreshError: (err) => refreshErrors.push(err),
      },
      now: () => now,
    });
    const token = await signToken(k, {}, { ...base, now });
    await expect(v.verify(token)).rejects.toThrow('jwks endpoint down');
    up = true;
    await expect(v.verify(token)).resolves.toBeDefined();
    up = false;
    now += 2_000;
    await expect(v.verify(token)).resolves.toBeDefined();
    expect(refreshErrors).toHaveLength(1);
  });
});
