import { exportJWK, generateKeyPair, type JWK, SignJWT, UnsecuredJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { createSupabaseVerifier, type SupabaseVerifierOptions, supabaseJwksUrl } from './supabase.ts';
import { TokenError, type TokenErrorReason } from './verify.ts';

const SECRET = 'super-secret-jwt-token-with-at-least-32-characters-long';
const SUPABASE_URL = 'https://project.supabase.co';
const JWKS_URL = supabaseJwksUrl(SUPABASE_URL);
const USER_ID = '6f1c1a5e-2b9d-4c3e-9a7b-1d2e3f4a5b6c';

async function reasonOf(promise: Promise<unknown>): Promise<TokenErrorReason> {
  const err = await promise.then(
    () => new Error('expected the token to be rejected'),
    (e: unknown) => e,
  );
  if (!(err instanceof TokenError)) throw err;
  return err.reason;
}

/** A Supabase-shaped access token. */
function accessToken(overrides: { aud?: string | null; exp?: number | null; claims?: Record<string, unknown> } = {}) {
  const now = Math.floor(Date.now() / 1000);
  const jwt = new SignJWT({ email: 'ada@example.com', role: 'authenticated', ...overrides.claims })
    .setSubject(USER_ID)
    .setIssuer(`${SUPABASE_URL}/auth/v1`)
    .setIssuedAt(now);
  if (overrides.aud !== null) jwt.setAudience(overrides.aud ?? 'authenticated');
  if (overrides.exp !== null) jwt.setExpirationTime(overrides.exp ?? now + 3600);
  return jwt;
}

const hs256 = (jwt: SignJWT, secret = SECRET) => jwt.setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(new TextEncoder().encode(secret));

interface AsymmetricKey {
  kid: string;
  alg: 'ES256' | 'RS256';
  privateKey: CryptoKey;
  publicJwk: JWK;
}

async function asymmetricKey(alg: 'ES256' | 'RS256', kid: string): Promise<AsymmetricKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, alg, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

const signWith = (jwt: SignJWT, key: AsymmetricKey) => jwt.setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' }).sign(key.privateKey);

describe('createSupabaseVerifier with the shared secret (HS256)', () => {
  const verifier = createSupabaseVerifier({ jwtSecret: SECRET });

  it('accepts a signed-in user token', async () => {
    const user = await verifier.verify(await hs256(accessToken()));
    expect(user).toMatchObject({ userId: USER_ID, email: 'ada@example.com', claims: { role: 'authenticated' } });
  });

  it('reports an empty email as null', async () => {
    const user = await verifier.verify(await hs256(accessToken({ claims: { email: '', phone: '+15550100' } })));
    expect(user.email).toBeNull();
  });

  it('rejects the wrong or a missing audience (e.g. the anon key)', async () => {
    expect(await reasonOf(verifier.verify(await hs256(accessToken({ aud: 'service_role' }))))).toBe('wrong_audience');
    expect(await reasonOf(verifier.verify(await hs256(accessToken({ aud: null }))))).toBe('wrong_audience');
  });

  it('rejects another secret, expiry, a missing exp, and alg none', async () => {
    expect(await reasonOf(verifier.verify(await hs256(accessToken(), `${SECRET}x`)))).toBe('bad_signature');
    const past = Math.floor(Date.now() / 1000) - 120;
    expect(await reasonOf(verifier.verify(await hs256(accessToken({ exp: past }))))).toBe('expired');
    expect(await reasonOf(verifier.verify(await hs256(accessToken({ exp: null }))))).toBe('malformed');
    const none = new UnsecuredJWT({ sub: USER_ID, aud: 'authenticated' }).setExpirationTime('1h').encode();
    expect(await reasonOf(verifier.verify(none))).toBe('wrong_algorithm');
  });

  it('checks the issuer when told', async () => {
    const strict = createSupabaseVerifier({ jwtSecret: SECRET, issuer: `${SUPABASE_URL}/auth/v1` });
    await expect(strict.verify(await hs256(accessToken()))).resolves.toBeDefined();
    const other = await hs256(accessToken().setIssuer('https://other.supabase.co/auth/v1'));
    expect(await reasonOf(strict.verify(other))).toBe('wrong_issuer');
  });
});

describe('createSupabaseVerifier with the project JWKS', () => {
  let es: AsymmetricKey;
  let rs: AsymmetricKey;
  beforeAll(async () => {
    [es, rs] = await Promise.all([asymmetricKey('ES256', 'es-1'), asymmetricKey('RS256', 'rs-1')]);
  });

  function withJwks(extra: Partial<SupabaseVerifierOptions> = {}) {
    const requests: string[] = [];
    const fakeFetch = async (input: RequestInfo | URL) => {
      requests.push(String(input));
      return new Response(JSON.stringify({ keys: [es.publicJwk, rs.publicJwk] }), {
        headers: { 'content-type': 'application/json' },
      });
    };
    return { requests, verifier: createSupabaseVerifier({ jwksUrl: JWKS_URL, fetch: fakeFetch, ...extra }) };
  }

  it('accepts ES256 and RS256 tokens, fetching the JWKS once', async () => {
    const { verifier, requests } = withJwks();
    for (let i = 0; i < 5; i++) {
      expect((await verifier.verify(await signWith(accessToken(), es))).userId).toBe(USER_ID);
      expect((await verifier.verify(await signWith(accessToken(), rs))).email).toBe('ada@example.com');
    }
    expect(requests).toEqual(['https://project.supabase.co/auth/v1/.well-known/jwks.json']);
  });

  it('rejects the wrong audience, an unknown kid, and HS256 when no secret is configured', async () => {
    const { verifier } = withJwks();
    expect(await reasonOf(verifier.verify(await signWith(accessToken({ aud: 'anon' }), es)))).toBe('wrong_audience');
    const stranger = await asymmetricKey('ES256', 'es-unknown');
    expect(await reasonOf(verifier.verify(await signWith(accessToken(), stranger)))).toBe('unknown_kid');
    const confused = await accessToken()
      .setProtectedHeader({ alg: 'HS256', kid: 'es-1' })
      .sign(new TextEncoder().encode(JSON.stringify(es.publicJwk)));
    expect(await reasonOf(verifier.verify(confused))).toBe('wrong_algorithm');
  });

  it('with both configured, checks HS256 only against the secret', async () => {
    const { verifier } = withJwks({ jwtSecret: SECRET });
    await expect(verifier.verify(await hs256(accessToken()))).resolves.toBeDefined();
    await expect(verifier.verify(await signWith(accessToken(), es))).resolves.toBeDefined();
    const confused = await accessToken()
      .setProtectedHeader({ alg: 'HS256', kid: 'es-1' })
      .sign(new TextEncoder().encode(JSON.stringify(es.publicJwk)));
    expect(await reasonOf(verifier.verify(confused))).toBe('bad_signature');
  });

  it('fails as an infrastructure error (not a TokenError) when the JWKS cannot be fetched', async () => {
    const verifier = createSupabaseVerifier({ jwksUrl: JWKS_URL, fetch: async () => new Response('nope', { status: 503 }) });
    const err = await verifier.verify(await signWith(accessToken(), es)).catch((e: unknown) => e);
    expect(err).not.toBeInstanceOf(TokenError);
    expect(String(err)).toMatch(/HTTP 503/);
  });
});

describe('supabase helpers', () => {
  it('builds the JWKS URL and needs a secret or a JWKS URL', () => {
    expect(supabaseJwksUrl('https://x.supabase.co/')).toBe('https://x.supabase.co/auth/v1/.well-known/jwks.json');
    expect(() => createSupabaseVerifier({})).toThrow(TypeError);
    expect(() => createSupabaseVerifier({ jwtSecret: '' })).toThrow(TypeError);
  });
});
