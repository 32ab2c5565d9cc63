import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { EncryptJWT, errors, jwtDecrypt } from 'jose';
import { z } from 'zod';
import type { WebSession } from './web-session.ts';

export const SESSION_COOKIE = 'gaia_session';
const WEEK_S = 7 * 24 * 60 * 60;

const SealedSchema = z.object({
  at: z.string(),
  rt: z.string(),
  exp_at: z.number(),
  uid: z.string(),
  email: z.string(),
});

export interface SessionCookieOptions {
  /** 32 bytes for AES-256-GCM. Default: random for this process (sessions end when it restarts). */
  key?: Uint8Array;
  /** How long a session lasts without a refresh. Default one week. */
  maxAgeS?: number;
}

export interface SessionCookie {
  read(c: Context): Promise<WebSession | null>;
  write(c: Context, session: WebSession): Promise<void>;
  clear(c: Context): void;
}

const isHttps = (c: Context) => new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto') === 'https';

/**
 * The session cookie: the tokens sealed as a JWE (`dir` + AES-256-GCM, so encrypted and tamper-evident), set
 * `HttpOnly; SameSite=Lax; Path=/` (and `Secure` over HTTPS). Page scripts cannot read it and nobody can read the
 * tokens out of it without the server's key.
 * @example const cookie = sessionCookie(); await cookie.write(c, session); const again = await cookie.read(c);
 */
export function sessionCookie(options: SessionCookieOptions = {}): SessionCookie {
  const key = options.key ?? crypto.getRandomValues(new Uint8Array(32));
  if (key.byteLength !== 32) throw new Error('The session cookie key must be 32 bytes (AES-256-GCM)');
  const maxAgeS = options.maxAgeS ?? WEEK_S;
  return {
    async read(c) {
      const sealed = getCookie(c, SESSION_COOKIE);
      if (!sealed) return null;
      try {
        const { payload } = await jwtDecrypt(sealed, key, { keyManagementAlgorithms: ['dir'], contentEncryptionAlgorithms: ['A256GCM'] });
        const claims = SealedSchema.parse(payload);
        return { accessToken: claims.at, refreshToken: claims.rt, expiresAt: claims.exp_at, user: { id: claims.uid, email: claims.email } };
      } catch (err) {
        // A cookie sealed by another process, expired, or tampered with: no session.
        if (err instanceof errors.JOSEError || err instanceof z.ZodError) return null;
        throw err;
      }
    },
    async write(c, session) {
      const sealed = await new EncryptJWT({
        at: session.accessToken,
        rt: session.refreshToken,
        exp_at: session.expiresAt,
        uid: session.user.id,
        email: session.user.email,
      })
        .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
        .setIssuedAt()
        .setExpirationTime(`${maxAgeS}s`)
        .encrypt(key);
      setCookie(c, SESSION_COOKIE, sealed, { httpOnly: true, sameSite: 'Lax', path: '/', secure: isHttps(c), maxAge: maxAgeS });
    },
    clear(c) {
      deleteCookie(c, SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'Lax', secure: isHttps(c) });
    },
  };
}
