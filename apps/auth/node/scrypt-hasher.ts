import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import type { PasswordHasher } from '../deps.ts';

export interface ScryptHasherOptions {
  /** CPU/memory cost N, a power of two. Default 2^15 (32 MiB per hash with r = 8). Tests use 2^4 or so. */
  cost?: number;
  /** Block size r. Default 8. */
  blockSize?: number;
  /** Parallelisation p. Default 1. */
  parallelization?: number;
}

const KEY_LENGTH = 32;
const SALT_LENGTH = 16;
/** Bounds for parameters read back from a stored hash, so a corrupt row cannot make us allocate gigabytes. */
const MAX_COST = 2 ** 20;
const MAX_BLOCK_SIZE = 32;
const MAX_PARALLELIZATION = 16;
const MAX_MEMORY = 512 * 1024 * 1024;

interface Params {
  N: number;
  r: number;
  p: number;
}

const isPowerOfTwo = (n: number) => Number.isSafeInteger(n) && n > 1 && (n & (n - 1)) === 0;
const memoryOf = ({ N, r, p }: Params) => 128 * r * (N + p + 2);

function checkParams(params: Params): boolean {
  const { N, r, p } = params;
  return (
    isPowerOfTwo(N) &&
    N <= MAX_COST &&
    Number.isSafeInteger(r) &&
    r >= 1 &&
    r <= MAX_BLOCK_SIZE &&
    Number.isSafeInteger(p) &&
    p >= 1 &&
    p <= MAX_PARALLELIZATION &&
    memoryOf(params) <= MAX_MEMORY
  );
}

function derive(password: string, salt: Buffer, keyLength: number, params: Params): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, keyLength, { ...params, maxmem: memoryOf(params) + 1024 * 1024 }, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

const DECIMAL = /^[1-9][0-9]{0,9}$/;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/**
 * Passwords hashed with scrypt (RFC 7914) from `node:crypto`: N = 2^15, r = 8, p = 1 (about 32 MiB and a few tens
 * of ms per hash), a random 16-byte salt and a 32-byte key. The encoding carries its parameters,
 * `scrypt$<N>$<r>$<p>$<salt>$<key>` (salt and key base64url), so hashes made with other parameters keep verifying.
 * Passwords are NFKC-normalised first, so the same password typed on another keyboard still matches; keys are compared
 * with `timingSafeEqual`. Pass a smaller `cost` in tests only.
 * @example
 * const hasher = new ScryptHasher();
 * const hash = await hasher.hash('correct horse'); // 'scrypt$32768$8$1$...'
 * await hasher.verify(hash, 'correct horse'); // true
 */
export class ScryptHasher implements PasswordHasher {
  readonly #params: Params;

  constructor(options: ScryptHasherOptions = {}) {
    this.#params = { N: options.cost ?? 2 ** 15, r: options.blockSize ?? 8, p: options.parallelization ?? 1 };
    if (!checkParams(this.#params)) throw new RangeError('scrypt parameters out of range (N a power of two up to 2^20, r 1-32, p 1-16)');
  }

  async hash(password: string): Promise<string> {
    const salt = randomBytes(SALT_LENGTH);
    const key = await derive(password, salt, KEY_LENGTH, this.#params);
    const { N, r, p } = this.#params;
    return `scrypt$${N}$${r}$${p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
  }

  async verify(hash: string, password: string): Promise<boolean> {
    const parts = typeof hash === 'string' ? hash.split('$') : [];
    if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
    const [, n, r, p, salt, key] = parts as [string, string, string, string, string, string];
    if (![n, r, p].every((v) => DECIMAL.test(v)) || !BASE64URL.test(salt) || !BASE64URL.test(key)) return false;
    const params = { N: Number(n), r: Number(r), p: Number(p) };
    const expected = Buffer.from(key, 'base64url');
    if (!checkParams(params) || expected.length < 16 || expected.length > 64) return false;
    const actual = await derive(password, Buffer.from(salt, 'base64url'), expected.length, params);
    return timingSafeEqual(actual, expected);
  }
}
