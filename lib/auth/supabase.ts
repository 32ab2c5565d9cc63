import { type CompactJWSHeaderParameters, type JWK, type JWSAlgorithm, type JWTPayload, jwtVerify } from 'jose';
import {
  assertTokenShape,
  createJwksLookup,
  type JwksDocument,
  keyResolver,
  TokenError,
  throwAsTokenError,
} from './verify.ts';

/** The audience Supabase puts on a signed-in user's access token. */
export const SUPABASE_AUDIENCE = 'authenticated';

export interface SupabaseVerifierOptions {
  /** The project's legacy shared JWT secret: accepts HS256 tokens. */
  jwtSecret?: string;
  /** The project's JWKS URL (see {@link supabaseJwksUrl}): accepts ES256/RS256 tokens signed by its keys. */
  jwksUrl?: string;
  /** Fetch used for the JWKS; defaults to the global `fetch`. */
  fetch?: typeof fetch;
  /** Required `iss` (`<SUPABASE_URL>/auth/v1`); not checked when absent. */
  issuer?: string;
  /** Leeway for `exp`/`nbf`, in seconds. Default 30. */
  clockToleranceS?: number;
  /** How long the fetched JWKS is cached. Default 10 minutes; an unknown `kid` refetches at most every 30 s. */
  jwksCacheMs?: number;
  /** Told about JWKS refreshes that failed while an older set was still cached. */
  onJwksRefreshError?: (err: unknown) => void;
  /** Clock in ms since the epoch (tests). */
  now?: () => number;
}

/** Who a Supabase access token says the caller is. */
export interface SupabaseUser {
  /**
   * Who vouches for the identity: the required issuer when one is configured, else the token's `iss` (Supabase sets
   * `<project URL>/auth/v1`), else `supabase`. With `userId`, the identity's key (never the email).
   */
  issuer: string;
  /** The `sub` claim: the Supabase user's id. */
  userId: string;
  /** The `email` claim; `null` when absent or empty (phone sign-ins). */
  email: string | null;
  claims: JWTPayload;
}

export interface SupabaseVerifier {
  /** Resolves with the user, or throws `TokenError` (a 401) or a JWKS fetch failure (a 5xx). */
  verify(token: string): Promise<SupabaseUser>;
}

/**
 * Where a Supabase project publishes its signing keys.
 * @example supabaseJwksUrl('https://abc.supabase.co') // 'https://abc.supabase.co/auth/v1/.well-known/jwks.json'
 */
export function supabaseJwksUrl(supabaseUrl: string): string {
  return `${supabaseUrl.replace(/\/+$/, '')}/auth/v1/.well-known/jwks.json`;
}

/**
 * The `iss` of a Supabase project's access tokens.
 * @example supabaseIssuer('https://abc.supabase.co/') // 'https://abc.supabase.co/auth/v1'
 */
export function supabaseIssuer(supabaseUrl: string): string {
  return `${supabaseUrl.replace(/\/+$/, '')}/auth/v1`;
}

function jwksFetcher(url: string, fetchImpl: typeof fetch): () => Promise<JwksDocument> {
  return async () => {
    const response = await fetchImpl(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(5_000) });
    if (response.status !== 200) throw new Error(`Supabase JWKS fetch failed: HTTP ${response.status} from ${url}`);
    return (await response.json()) as JwksDocument;
  };
}

/**
 * Verifies Supabase access tokens: HS256 with the project's shared secret and/or ES256/RS256 with its JWKS (fetched
 * and cached). The audience must be `authenticated`, and `exp` and `sub` must be present. An HS256 token is only
 * ever checked against `jwtSecret`, so a token "signed" with a public JWKS key as an HMAC secret cannot pass.
 * @example
 * const supabase = createSupabaseVerifier({ jwksUrl: supabaseJwksUrl(SUPABASE_URL) });
 * const { userId, email } = await supabase.verify(bearer);
 */
export function createSupabaseVerifier(options: SupabaseVerifierOptions): SupabaseVerifier {
  const { jwtSecret, jwksUrl } = options;
  if (jwtSecret === undefined && jwksUrl === undefined) throw new TypeError('createSupabaseVerifier needs jwtSecret or jwksUrl');
  if (jwtSecret !== undefined && jwtSecret.length === 0) throw new TypeError('jwtSecret must not be empty');
  const now = options.now ?? Date.now;
  const secret = jwtSecret === undefined ? undefined : new TextEncoder().encode(jwtSecret);
  const resolveJwk =
    jwksUrl === undefined
      ? undefined
      : keyResolver(
          createJwksLookup(
            {
              fetch: jwksFetcher(jwksUrl, options.fetch ?? fetch),
              cacheMs: options.jwksCacheMs ?? 10 * 60_000,
              ...(options.onJwksRefreshError ? { onRefreshError: options.onJwksRefreshError } : {}),
            },
            now,
          ),
        );
  const algorithms: JWSAlgorithm[] = [...(secret ? ['HS256'] : []), ...(resolveJwk ? ['ES256', 'RS256'] : [])];

  const getKey = async (header: CompactJWSHeaderParameters): Promise<Uint8Array | JWK> => {
    // jose has already refused any alg outside `algorithms`, so HS256 implies a secret and ES/RS256 a JWKS.
    if (header.alg === 'HS256' && secret) return secret;
    if (resolveJwk) return resolveJwk(header);
    throw new TokenError('wrong_algorithm', 'Token algorithm is not accepted');
  };

  return {
    async verify(token) {
      try {
        assertTokenShape(token);
        const { payload } = await jwtVerify(token, getKey, {
          algorithms,
          audience: SUPABASE_AUDIENCE,
          clockTolerance: options.clockToleranceS ?? 30,
          currentDate: new Date(now()),
          requiredClaims: ['exp', 'sub'],
          ...(options.issuer === undefined ? {} : { issuer: options.issuer }),
        });
        if (typeof payload.sub !== 'string' || payload.sub === '') throw new TokenError('malformed', 'Token sub must be a string');
        const email = typeof payload.email === 'string' && payload.email !== '' ? payload.email : null;
        const issuer = options.issuer ?? (typeof payload.iss === 'string' && payload.iss !== '' ? payload.iss : 'supabase');
        return { issuer, userId: payload.sub, email, claims: payload };
      } catch (err) {
        throwAsTokenError(err);
      }
    },
  };
}
