/** Random bytes in every generated key: 192 bits, above the 128-bit floor. */
export const API_KEY_RANDOM_BYTES = 24;
/** Base62 digits needed for 24 bytes (62^33 > 2^192); generated keys are left-padded to exactly this length. */
export const API_KEY_RANDOM_CHARS = 33;
/** Characters of the random part kept in the display prefix (`gaia_live_ab12`). */
const PREFIX_RANDOM_CHARS = 4;
/** At least 22 base62 characters (≈131 bits) for keys an operator supplies (bootstrap). */
const MIN_RANDOM_CHARS = 22;

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const ENV = /^[a-z0-9]{1,16}$/;
const KEY = /^gaia_([a-z0-9]{1,16})_([0-9A-Za-z]+)$/;

/**
 * Base62 (0-9, A-Z, a-z) of `bytes` as one big-endian number, left-padded with `0` to `width`.
 * @example base62(new Uint8Array([255])); // '47'
 */
export function base62(bytes: Uint8Array, width = 0): string {
  let n = 0n;
  for (const byte of bytes) n = (n << 8n) | BigInt(byte);
  let digits = '';
  while (n > 0n) {
    digits = BASE62[Number(n % 62n)] + digits;
    n /= 62n;
  }
  return digits.padStart(Math.max(width, 1), '0');
}

/** Whether `secret` looks like a platform key: `gaia_<env>_<base62>` with enough randomness and a sane length. */
export function isApiKeyShape(secret: string): boolean {
  const match = KEY.exec(secret);
  const random = match?.[2];
  return random !== undefined && random.length >= MIN_RANDOM_CHARS && random.length <= 64;
}

/**
 * What may be shown about a key after creation: `gaia_<env>_` and the first 4 random characters.
 * @example displayPrefix('gaia_live_ab12Xy...'); // 'gaia_live_ab12'
 */
export function displayPrefix(secret: string): string {
  const match = KEY.exec(secret);
  if (!match) throw new TypeError('Not an API key');
  return `gaia_${match[1]}_${match[2]!.slice(0, PREFIX_RANDOM_CHARS)}`;
}

/**
 * Hex SHA-256 of the full secret: what is stored and looked up (Web Crypto, so it runs on every runtime).
 * @example await hashApiKey('gaia_test_...'); // '9f86d08...' (64 hex)
 */
export async function hashApiKey(secret: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(secret));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

export interface GeneratedApiKey {
  /** The full key: returned to its owner once, never stored. */
  secret: string;
  prefix: string;
  hash: string;
}

/**
 * A new key `gaia_<env>_<33 base62 chars of 24 random bytes>` with its display prefix and hash.
 * @example const { secret, prefix, hash } = await generateApiKey('live');
 */
export async function generateApiKey(env: string): Promise<GeneratedApiKey> {
  if (!ENV.test(env)) throw new TypeError(`API key env must be 1-16 lower-case letters or digits, got "${env}"`);
  const random = base62(crypto.getRandomValues(new Uint8Array(API_KEY_RANDOM_BYTES)), API_KEY_RANDOM_CHARS);
  const secret = `gaia_${env}_${random}`;
  return { secret, prefix: displayPrefix(secret), hash: await hashApiKey(secret) };
}

/**
 * Compares two strings in time that depends only on their length (no early exit on the first difference).
 * @example timingSafeEqual(storedHash, computedHash);
 */
export function timingSafeEqual(a: string, b: string): boolean {
  let diff = a.length ^ b.length;
  const length = Math.max(a.length, b.length);
  for (let i = 0; i < length; i++) diff |= (a.charCodeAt(i) || 0) ^ (b.charCodeAt(i) || 0);
  return diff === 0;
}
