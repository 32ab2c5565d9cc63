import { decodeJwt, decodeProtectedHeader } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createInternalTokenVerifier,
  INTERNAL_TOKEN_HEADER,
  INTERNAL_TOKEN_TYPE,
  type InternalTokenVerifierOptions,
  signInternalToken,
} from './internal-token.ts';
import { generateSigningKey, KeyRing } from './signing-keys.ts';
import { signToken } from './tokens.ts';
import type { Principal } from './types.ts';
import { tokenErrorReason } from '../testing/token-errors.ts';

const user: Principal = {
  userId: '6f1c1a5e-2b9d-4c3e-9a7b-1d2e3f4a5b6c',
  email: 'ada@example.com',
  roles: ['user', 'kb_editor'],
  authType: 'supabase_jwt',
};
const keyUser: Principal = { userId: user.userId, email: null, roles: ['developer'], authType: 'api_key', keyId: 'key_123' };

let ring: KeyRing;
beforeAll(async () => {
  ring = new KeyRing(await generateSigningKey('gw-1'));
});

function verifierFor(audience: InternalTokenVerifierOptions['audience'], extra: Partial<InternalTokenVerifierOptions> = {}) {
  return createInternalTokenVerifier({ audience, jwks: { fetch: async () => ring.publicJwks() }, ...extra });
}

describe('internal identity token', () => {
  it('round-trips a principal, with and without an API key id', async () => {
    const kb = verifierFor('kb');
    expect(await kb.verify(await signInternalToken(ring.current(), user, { audience: 'kb' }))).toEqual(user);
    expect(await kb.verify(await signInternalToken(ring.current(), keyUser, { audience: 'kb' }))).toEqual(keyUser);
  });

  it('carries the agreed header and claims, 60 s by default', async () => {
    const token = await signInternalToken(ring.current(), keyUser, { audience: 'chat' });
    expect(INTERNAL_TOKEN_HEADER).toBe('X-Gaia-Identity');
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'EdDSA', kid: 'gw-1', typ: INTERNAL_TOKEN_TYPE });
    const claims = decodeJwt(token);
    expect(claims).toMatchObject({
      iss: 'gaia-gateway',
      aud: 'chat',
      sub: keyUser.userId,
      email: null,
      roles: ['developer'],
      auth_type: 'api_key',
      key_id: 'key_123',
    });
    expect(claims.exp! - claims.iat!).toBe(60);
  });

  it('is refused by every service but its audience', async () => {
    const token = await signInternalToken(ring.current(), user, { audience: 'kb' });
    await expect(verifierFor('kb').verify(token)).resolves.toEqual(user);
    for (const other of ['chat', 'asset', 'auth', 'web'] as const) {
      expect(await tokenErrorReason(verifierFor(other).verify(token))).toBe('wrong_audience');
    }
  });

  it('refuses another issuer, a non-internal token, and expiry', async () => {
    const foreign = await signInternalToken(ring.current(), user, { audience: 'kb', issuer: 'someone-else' });
    expect(await tokenErrorReason(verifierFor('kb').verify(foreign))).toBe('wrong_issuer');
    const plain = await signToken(ring.current(), { roles: ['super_admin'], auth_type: 'jwt', email: null }, {
      issuer: 'gaia-gateway',
      audience: 'kb',
      subject: user.userId,
      ttlSeconds: 60,
    });
    expect(await tokenErrorReason(verifierFor('kb').verify(plain))).toBe('wrong_type');
    const old = await signInternalToken(ring.current(), user, { audience: 'kb', now: Date.now() - 91_000 });
    expect(await tokenErrorReason(verifierFor('kb').verify(old))).toBe('expired');
  });

  it('refuses signed claims that are not a valid principal', async () => {
    const sign = (claims: Record<string, unknown>) =>
      signToken(ring.current(), claims, {
        issuer: 'gaia-gateway',
        audience: 'kb',
        subject: user.userId,
        ttlSeconds: 60,
        type: INTERNAL_TOKEN_TYPE,
      });
    const good = { email: null, roles: ['user'], auth_type: 'jwt' };
    await expect(verifierFor('kb').verify(await sign(good))).resolves.toMatchObject({ roles: ['user'] });
    for (const bad of [
      { ...good, roles: ['root'] },
      { ...good, roles: 'user' },
      { ...good, auth_type: 'magic' },
      { ...good, email: 42 },
      { roles: ['user'], auth_type: 'jwt' },
      { ...good, key_id: 7 },
    ]) {
      expect(await tokenErrorReason(verifierFor('kb').verify(await sign(bad)))).toBe('malformed');
    }
  });

  it('refuses a token from a key outside the gateway ring', async () => {
    const rogue = await generateSigningKey('gw-1');
    const token = await signInternalToken(rogue, { ...user, roles: ['super_admin'] }, { audience: 'kb' });
    expect(await tokenErrorReason(verifierFor('kb').verify(token))).toBe('bad_signature');
  });
});

describe('verified-token cache', () => {
  it('remembers a verified token, hands out copies, and never past its expiry', async () => {
    let clock = Date.now();
    const verifier = verifierFor('kb', { now: () => clock, clockToleranceS: 0 });
    const token = await signInternalToken(ring.current(), user, { audience: 'kb', ttlSeconds: 60, now: clock });
    const first = await verifier.verify(token);
    first.roles.push('admin');
    expect(await verifier.verify(token)).toEqual(user);
    clock += 61_000;
    expect(await tokenErrorReason(verifier.verify(token))).toBe('expired');
  });

  it('skips the signature check on a hit, unless turned off', async () => {
    // A gateway key that stops being published: only a remembered token still passes.
    let published = true;
    const jwks = { fetch: async () => (published ? ring.publicJwks() : { keys: [] }), cacheMs: 0, refetchCooldownMs: 0 };
    const cached = createInternalTokenVerifier({ audience: 'kb', jwks });
    const uncached = createInternalTokenVerifier({ audience: 'kb', jwks, cacheMs: 0 });
    const token = await signInternalToken(ring.current(), user, { audience: 'kb' });
    await cached.verify(token);
    await uncached.verify(token);
    published = false;
    expect(await cached.verify(token)).toEqual(user);
    await expect(uncached.verify(token)).rejects.toThrow();
  });
});
