import { decodeJwt, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signInternalToken } from '../../../../lib/auth/internal-token.ts';
import { generateSigningKey } from '../../../../lib/auth/signing-keys.ts';
import { signToken } from '../../../../lib/auth/tokens.ts';
import { dbBackends } from '../../../../lib/testing/db.ts';
import { createApiKey, revokeApiKey } from '../../api-keys/store.ts';
import { createIdentityTestApp, createIdentityTestbed, type IdentityTestbed, postJson, TEST_ISSUER, testAuthSettings, uniqueEmail } from '../../testing.ts';


const PASSWORD = 'tulip-orbit-9';
const NONE = { valid: false, auth_type: 'none', user_id: null, error: 'No valid authentication credentials provided' };

describe.each(dbBackends())('GAIA validate and api-key-login on $name', ({ create }) => {
  let bed: IdentityTestbed;
  let offset = 0;
  const call = async (path: string, init: RequestInit, app = bed.app) => {
    const res = await app.request(path, init);
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const validate = async (body: unknown, app = bed.app) => call('/auth/validate', postJson(body), app);
  /** A registered user and a key for them. */
  const userWithKey = async () => {
    const email = uniqueEmail();
    const res = await call('/auth/register', postJson({ email, password: PASSWORD }));
    const { user, session } = res.body as { user: { id: string }; session: { access_token: string } };
    const { key: secret, info } = await createApiKey(bed.deps, { userId: user.id, name: 'exchange', roles: null, expiresAt: null });
    return { email, userId: user.id, accessToken: session.access_token, secret, keyId: info.id };
  };

  beforeAll(async () => {
    bed = await createIdentityTestbed({ db: await create(), overrides: { now: () => Date.now() + offset } });
  });
  afterAll(() => bed?.close());

  describe('validate', () => {
    it('accepts our access tokens and API keys, always with the four keys', async () => {
      const { userId, accessToken, secret } = await userWithKey();
      const jwt = { valid: true, auth_type: 'jwt', user_id: userId, error: null };
      expect(await validate({ token: accessToken })).toEqual({ status: 200, body: jwt });
      expect(await validate({ token: accessToken, api_key: 'gaia_test_unknown' })).toEqual({ status: 200, body: jwt });
      const byKey = { status: 200, body: { valid: true, auth_type: 'api_key', user_id: userId, error: null } };
      expect(await validate({ api_key: secret })).toEqual(byKey);
      expect(await validate({ token: 'eyJnot.a.jwt', api_key: secret })).toEqual(byKey);
    });

    it('answers 200 {valid: false} for nothing, garbage, wrong types and unknown keys', async () => {
      for (const body of [{}, { token: '' }, { token: 'garbage' }, { token: 42, api_key: ['x'] }, { api_key: 'gaia_test_nope' }]) {
        expect(await validate(body)).toEqual({ status: 200, body: NONE });
      }
      expect(await call('/auth/validate', { method: 'POST' })).toEqual({ status: 200, body: NONE });
    });

    it('refuses expired tokens and tokens signed by a key that is not ours', async () => {
      const { userId, accessToken } = await userWithKey();
      const foreign = await signToken(await generateSigningKey(), { email: 'x@example.com' }, {
        issuer: TEST_ISSUER,
        audience: 'authenticated',
        subject: userId,
        ttlSeconds: 900,
        type: 'at+jwt',
      });
      expect((await validate({ token: foreign })).body).toEqual(NONE);
      const hs256 = await new SignJWT({ aud: 'authenticated', sub: userId })
        .setProtectedHeader({ alg: 'HS256' })
        .setExpirationTime('1h')
        .sign(new TextEncoder().encode('a-shared-secret-of-32-characters!'));
      expect((await validate({ token: hs256 })).body).toEqual(NONE);
      offset = 901_000 + 30_000;
      try {
        expect((await validate({ token: accessToken })).body).toEqual(NONE);
      } finally {
        offset = 0;
      }
    });

    it("answers service_jwt for the gateway's internal tokens when their keys are configured", async () => {
      const gatewayKey = await generateSigningKey('gateway-test');
      const app = createIdentityTestApp({ ...bed.deps, settings: testAuthSettings({ internalPublicKeys: [gatewayKey.publicJwk] }) });
      const token = await signInternalToken(gatewayKey, { userId: 'u-1', email: null, roles: ['user'], authType: 'jwt' }, { audience: 'chat' });
      expect((await validate({ token }, app)).body).toEqual({ valid: true, auth_type: 'service_jwt', user_id: 'u-1', error: null });
      expect((await validate({ token })).body).toEqual(NONE);
    });
  });

  describe('api-key-login', () => {
    const exchange = (headers: Record<string, string>, prefix = '/auth') => call(`${prefix}/api-key-login`, { method: 'POST', headers });

    it("exchanges a key for an access token of the key's owner", async () => {
      const { email, userId, secret, keyId } = await userWithKey();
      const { status, body } = await exchange({ 'X-API-Key': secret });
      expect(status).toBe(200);
      expect(Object.keys(body).sort()).toEqual(['access_token', 'expires_in', 'token_type', 'user']);
      expect(body).toMatchObject({ token_type: 'bearer', expires_in: 900, user: { id: userId, email } });
      expect(Object.keys(body.user as object).sort()).toEqual(['email', 'id']);
      const token = body.access_token as string;
      expect(token.startsWith('eyJ')).toBe(true);
      const claims = decodeJwt(token);
      expect(claims).toMatchObject({
        sub: userId,
        user_id: userId,
        email,
        aud: 'authenticated',
        role: 'authenticated',
        iss: expect.stringMatching(/^https:\/\//),
        user_metadata: { auth_source: 'api_key_exchange', original_auth_type: 'user_api_key' },
      });
      expect(claims.exp).toBe(claims.iat! + 900);
      // The key is the token's session (revoking it ends the token), and the token carries its owner's version.
      expect(claims).toMatchObject({ sid: keyId, tv: 0 });
      expect((await validate({ token })).body).toEqual({ valid: true, auth_type: 'jwt', user_id: userId, error: null });
      await revokeApiKey(bed.deps, keyId, { userId, isAdmin: false, isSuperAdmin: false });
      expect((await validate({ token })).body).toEqual(NONE);
    });

    it('answers 401 for an unknown key and 422 for a missing header', async () => {
      expect(await exchange({ 'X-API-Key': 'gaia_test_unknown' })).toEqual({ status: 401, body: { detail: 'Invalid API key' } });
      expect(await exchange({ 'X-API-Key': '' })).toEqual({ status: 401, body: { detail: 'Invalid API key' } });
      expect(await exchange({}, '/api/v1/auth')).toEqual({
        status: 422,
        body: { detail: [{ type: 'missing', loc: ['header', 'x-api-key'], msg: 'Field required', input: null }] },
      });
    });
  });
});
