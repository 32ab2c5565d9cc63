import type { RateLimitRule } from '../../../lib/ratelimit/types.ts';
import { ROLES, type Principal, type Role, isRole } from '../../../lib/auth/types.ts';

/** Requests per minute the gateway allows, per caller. */
export interface RateLimitSettings {
  /** Each authenticated identity (API key, else user). Default 600. */
  perMinute: number;
  /** Each client IP without credentials. Default 60. */
  anonPerMinute: number;
  /** Each client IP on login, register, resend-verification and api-key-login, whoever calls. Default 10. */
  loginPerMinute: number;
  /** Per-role limits for authenticated identities, e.g. `{ admin: 6000, viewer: 120 }`. */
  roleOverrides: Partial<Record<Role, number>>;
}

export const DEFAULT_RATE_LIMITS: Readonly<RateLimitSettings> = Object.freeze({
  perMinute: 600,
  anonPerMinute: 60,
  loginPerMinute: 10,
  roleOverrides: {},
});

const MINUTE_MS = 60_000;

/** The credential-guessing routes: GAIA's login-class operations under all three prefixes. */
const LOGIN_PATH = /^\/(api\/v1\/|api\/v0\.3\/)?auth\/(login|register|resend-verification|api-key-login)$/;

/**
 * Whether a path is a login-class route (per-IP limit, fail closed).
 * @example isLoginPath('/api/v0.3/auth/login') // true
 */
export function isLoginPath(path: string): boolean {
  return LOGIN_PATH.test(path);
}


/**
 * Parses `RATE_LIMIT_ROLE_OVERRIDES` (`role=limit,...`); throws an `Error` naming the first bad entry.
 * @example parseRoleOverrides('admin=6000,viewer=120') // { admin: 6000, viewer: 120 }
 */
export function parseRoleOverrides(text: string): Partial<Record<Role, number>> {
  const overrides: Partial<Record<Role, number>> = {};
  for (const entry of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const match = /^([a-z_]+)\s*=\s*(\d+)$/.exec(entry);
    const role = match?.[1];
    const limit = Number(match?.[2]);
    if (!role || !isRole(role)) throw new Error(`"${entry}": expected <role>=<requests per minute> with a role among ${ROLES.join(', ')}`);
    if (!Number.isSafeInteger(limit) || limit < 1) throw new Error(`"${entry}": the limit must be a positive integer`);
    overrides[role] = limit;
  }
  return overrides;
}

/**
 * Requests per minute for an authenticated principal: the highest of its roles' limits, where a role without an
 * override has the default (so an override can lower a role's limit, e.g. `viewer=120`, without lowering the limit
 * of someone who also holds another role).
 * @example limitFor({ roles: ['viewer'], ... }, settings) // 120 with viewer=120
 */
export function limitFor(principal: Principal, settings: RateLimitSettings): number {
  if (principal.roles.length === 0) return settings.perMinute;
  let limit = 0;
  for (const role of principal.roles) limit = Math.max(limit, settings.roleOverrides[role] ?? settings.perMinute);
  return limit;
}

/** What one request is counted against: a rule and the caller's key under it. */
export interface Charge {
  rule: RateLimitRule;
  key: string;
  /** Login-class: refuse (503) rather than allow when the limiter is down. */
  failClosed: boolean;
}

/**
 * The rule and key a request is counted under: login-class routes per IP (`login`), authenticated callers per
 * API key or user (`api`, with their role's limit), everyone else per IP (`anon`).
 * @example chargeFor('/api/v1/chat', principal, '203.0.113.9', settings)
 */
export function chargeFor(path: string, principal: Principal | undefined, ip: string, settings: RateLimitSettings): Charge {
  if (isLoginPath(path)) {
    return { rule: { name: 'login', points: settings.loginPerMinute, durationMs: MINUTE_MS }, key: `ip:${ip}`, failClosed: true };
  }
  if (principal && principal.authType !== 'anonymous') {
    const key = principal.keyId !== undefined ? `key:${principal.keyId}` : `user:${principal.userId}`;
    return { rule: { name: 'api', points: limitFor(principal, settings), durationMs: MINUTE_MS }, key, failClosed: false };
  }
  return { rule: { name: 'anon', points: settings.anonPerMinute, durationMs: MINUTE_MS }, key: `ip:${ip}`, failClosed: false };
}
