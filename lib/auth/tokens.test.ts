import { decodeJwt, decodeProtectedHeader } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateSigningKey, type SigningKey } from './signing-keys.ts';
import { signToken } from './tokens.ts';

let key: SigningKey;
beforeAll(async () => {
  key = await generateSigningKey('k1');
});

const options = { issuer: 'gaia-auth', audience: ['kb', 'chat'], subject: 'user-1', ttlSeconds: 900 };

describe('signToken', () => {
  it('sets the kid/alg/typ header and the registered claims', async () => {
    const now = 1_700_000_000_123;
    const token = await signToken(key, { scope: 'kb:read' }, { ...options, type: 'at+jwt', now });
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'EdDSA', kid: 'k1', typ: 'at+jwt' });
    const claims = decodeJwt(token);
    expect(claims).toMatchObject({
      iss: 'gaia-auth',
      aud: ['kb', 'chat'],
      sub: 'user-1',
      iat: 1_700_000_000,
      nbf: 1_700_000_000,
      exp: 1_700_000_900,
      scope: 'kb:read',
    });
    expect(claims.jti).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('omits typ when no type is given, and gives every token its own jti', async () => {
    const a = await signToken(key, {}, options);
    const b = await signToken(key, {}, options);
    expect(decodeProtectedHeader(a)).toEqual({ alg: 'EdDSA', kid: 'k1' });
    expect(decodeJwt(a).jti).not.toBe(decodeJwt(b).jti);
  });

  it('takes registered claims from the options, not from claims', async () => {
    const token = await signToken(key, { iss: 'evil', sub: 'admin', exp: 9_999_999_999, aud: 'x', jti: 'fixed' }, options);
    expect(decodeJwt(token)).toMatchObject({ iss: 'gaia-auth', sub: 'user-1', aud: ['kb', 'chat'] });
    expect(decodeJwt(token).exp).toBeLessThan(9_999_999_999);
    expect(decodeJwt(token).jti).not.toBe('fixed');
  });

  it('refuses a non-positive or fractional ttl and an empty subject', async () => {
    for (const ttlSeconds of [0, -5, 1.5, Number.NaN]) {
      await expect(signToken(key, {}, { ...options, ttlSeconds })).rejects.toThrow(RangeError);
    }
    await expect(signToken(key, {}, { ...options, subject: '' })).rejects.toThrow(TypeError);
  });
});
