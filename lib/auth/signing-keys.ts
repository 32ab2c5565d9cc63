import { CompactSign, calculateJwkThumbprint, compactVerify, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';

/** The asymmetric algorithms platform keys use. EdDSA (Ed25519) is the default; ES256 is the fallback. */
export type SigningAlgorithm = 'EdDSA' | 'ES256';

/**
 * A key the platform signs tokens with. `privateJwk` is a secret: store it encrypted, never log it.
 * Both JWKs carry `kid`, `alg` and `use: 'sig'`, so either stands on its own.
 */
export interface SigningKey {
  /** The `kid` header of every token this key signs, and the `kid` of its JWKS entry. */
  readonly kid: string;
  readonly alg: SigningAlgorithm;
  readonly privateJwk: JWK;
  readonly publicJwk: JWK;
  /** When the key was made, in ms since the epoch. */
  readonly createdAt: number;
}

const KEY_SHAPE: Record<SigningAlgorithm, { kty: string; crv: string; publicMembers: readonly string[] }> = {
  EdDSA: { kty: 'OKP', crv: 'Ed25519', publicMembers: ['x'] },
  ES256: { kty: 'EC', crv: 'P-256', publicMembers: ['x', 'y'] },
};

/** Whether `value` names one of the platform's signing algorithms. */
export function isSigningAlgorithm(value: unknown): value is SigningAlgorithm {
  return value === 'EdDSA' || value === 'ES256';
}

function inferAlgorithm(jwk: JWK): SigningAlgorithm | undefined {
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') return 'EdDSA';
  if (jwk.kty === 'EC' && jwk.crv === 'P-256') return 'ES256';
  return undefined;
}

function str(jwk: JWK, member: string): string {
  const value = (jwk as Record<string, unknown>)[member];
  if (typeof value !== 'string' || value === '') throw new TypeError(`Signing key JWK: "${member}" is missing`);
  return value;
}

/** The CryptoKey each SigningKey signs with, imported once (non-extractable). */
const cryptoKeys = new WeakMap<SigningKey, Promise<CryptoKey>>();

/**
 * The non-extractable CryptoKey that signs for `key` (imported on first use, then cached). Used by `tokens.ts`.
 * @example const privateKey = await signingCryptoKey(key);
 */
export function signingCryptoKey(key: SigningKey): Promise<CryptoKey> {
  let pending = cryptoKeys.get(key);
  if (!pending) {
    pending = importJWK(key.privateJwk, key.alg) as Promise<CryptoKey>;
    cryptoKeys.set(key, pending);
  }
  return pending;
}

/**
 * Turns a private JWK (EdDSA/Ed25519 or ES256/P-256) into a {@link SigningKey}: checks its shape, fills in `kid`
 * (the RFC 7638 thumbprint when absent) and `alg` (from the curve when absent), and proves that the private and
 * public halves belong together by signing and verifying a probe. Throws `TypeError` on anything else.
 * @example const key = await importSigningKey(JSON.parse(secretFromVault));
 */
export async function importSigningKey(privateJwk: JWK, options: { createdAt?: number } = {}): Promise<SigningKey> {
  if (typeof privateJwk !== 'object' || privateJwk === null) throw new TypeError('Signing key JWK must be an object');
  const alg = privateJwk.alg ?? inferAlgorithm(privateJwk);
  if (!isSigningAlgorithm(alg)) throw new TypeError(`Signing key JWK: unsupported alg ${String(alg)} (EdDSA or ES256)`);
  const shape = KEY_SHAPE[alg];
  if (privateJwk.kty !== shape.kty || privateJwk.crv !== shape.crv) {
    throw new TypeError(`Signing key JWK: ${alg} needs kty ${shape.kty} and crv ${shape.crv}`);
  }
  if (privateJwk.use !== undefined && privateJwk.use !== 'sig') throw new TypeError('Signing key JWK: "use" must be "sig"');

  const publicJwk: JWK = { kty: shape.kty, crv: shape.crv };
  for (const member of shape.publicMembers) (publicJwk as Record<string, unknown>)[member] = str(privateJwk, member);
  const d = str(privateJwk, 'd');
  const kid = privateJwk.kid ?? (await calculateJwkThumbprint(publicJwk));
  if (typeof kid !== 'string' || kid === '') throw new TypeError('Signing key JWK: "kid" must be a non-empty string');

  const labels = { kid, alg, use: 'sig' } as const;
  const key: SigningKey = Object.freeze({
    kid,
    alg,
    privateJwk: Object.freeze({ ...publicJwk, d, ...labels }),
    publicJwk: Object.freeze({ ...publicJwk, ...labels }),
    createdAt: options.createdAt ?? Date.now(),
  });
  try {
    const probe = new TextEncoder().encode(`gaia-key-check:${kid}`);
    const jws = await new CompactSign(probe).setProtectedHeader({ alg }).sign(await signingCryptoKey(key));
    await compactVerify(jws, await importJWK(key.publicJwk, alg), { algorithms: [alg] });
  } catch (cause) {
    cryptoKeys.delete(key);
    throw new TypeError(`Signing key JWK ${kid} is unusable (bad key material or mismatched halves)`, { cause });
  }
  return key;
}

/**
 * Makes a new extractable key pair (EdDSA/Ed25519 unless told otherwise). The `kid` defaults to the public key's
 * RFC 7638 thumbprint.
 * @example const key = await generateSigningKey(); // key.alg === 'EdDSA'
 */
export async function generateSigningKey(kid?: string, alg: SigningAlgorithm = 'EdDSA'): Promise<SigningKey> {
  const { privateKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = await exportJWK(privateKey);
  return importSigningKey(kid === undefined ? { ...jwk, alg } : { ...jwk, alg, kid });
}

interface StoredSigningKey {
  kid: string;
  alg: SigningAlgorithm;
  privateJwk: JWK;
  createdAt: number;
}

function toStored(key: SigningKey): StoredSigningKey {
  return { kid: key.kid, alg: key.alg, privateJwk: key.privateJwk, createdAt: key.createdAt };
}

async function fromStored(value: unknown): Promise<SigningKey> {
  const stored = value as Partial<StoredSigningKey> | null;
  if (typeof stored !== 'object' || stored === null || typeof stored.privateJwk !== 'object' || stored.privateJwk === null) {
    throw new TypeError('Stored signing key: privateJwk is missing');
  }
  if (typeof stored.createdAt !== 'number' || !Number.isFinite(stored.createdAt)) {
    throw new TypeError('Stored signing key: createdAt must be a number');
  }
  const key = await importSigningKey(stored.privateJwk, { createdAt: stored.createdAt });
  if (key.kid !== stored.kid || key.alg !== stored.alg) throw new TypeError('Stored signing key: kid/alg do not match its JWK');
  return key;
}

/**
 * JSON for storage (a KV value, a secret manager entry). It contains the private key: encrypt it at rest.
 * @example await kv.set('auth:signing-key', serializeSigningKey(key));
 */
export function serializeSigningKey(key: SigningKey): string {
  return JSON.stringify(toStored(key));
}

/**
 * Reads what {@link serializeSigningKey} wrote, re-validating the key material. Throws `TypeError` if it is not a key.
 * @example const key = await deserializeSigningKey(await kv.get('auth:signing-key'));
 */
export async function deserializeSigningKey(json: string): Promise<SigningKey> {
  return fromStored(JSON.parse(json));
}

/** A key that no longer signs but whose tokens still verify until `verifyUntil` (ms since the epoch). */
export interface RetiringKey {
  readonly key: SigningKey;
  readonly verifyUntil: number;
}

/** The public JWKS document services verify against. */
export interface PublicJwks {
  keys: JWK[];
}

/**
 * The gateway's signing keys: the current one signs; previous ones stay in the JWKS until their overlap window
 * ends, so tokens they signed keep verifying across a rotation. Pick `overlapMs` ≥ the longest token TTL plus the
 * verifiers' clock tolerance.
 * @example
 * const ring = new KeyRing(await generateSigningKey());
 * ring.rotate(await generateSigningKey(), 5 * 60_000);
 * app.get('/.well-known/jwks.json', (c) => c.json(ring.publicJwks()));
 */
export class KeyRing {
  #current: SigningKey;
  #previous: RetiringKey[];

  constructor(current: SigningKey, previous: readonly RetiringKey[] = []) {
    this.#current = current;
    this.#previous = [...previous];
    const kids = [current.kid, ...previous.map((p) => p.key.kid)];
    if (new Set(kids).size !== kids.length) throw new Error('KeyRing: duplicate kid');
  }

  /** The key that signs new tokens. */
  current(): SigningKey {
    return this.#current;
  }

  /** Retired keys still held (including any whose window has ended but that were not pruned yet). */
  previous(): readonly RetiringKey[] {
    return [...this.#previous];
  }

  /**
   * Makes `newKey` current; the old current key keeps verifying for `overlapMs`.
   * @example ring.rotate(await generateSigningKey(), 10 * 60_000);
   */
  rotate(newKey: SigningKey, overlapMs: number, now: number = Date.now()): void {
    if (!Number.isFinite(overlapMs) || overlapMs < 0) throw new RangeError(`overlapMs must be >= 0, got ${overlapMs}`);
    if (newKey.kid === this.#current.kid || this.#previous.some((p) => p.key.kid === newKey.kid)) {
      throw new Error(`KeyRing: kid ${newKey.kid} is already in the ring`);
    }
    this.#previous.push({ key: this.#current, verifyUntil: now + overlapMs });
    this.#current = newKey;
  }

  /**
   * The JWKS: public halves only, each with `kid`, `alg` and `use: 'sig'`; the current key first, then retired keys
   * still inside their window at `now`.
   * @example const { keys } = ring.publicJwks();
   */
  publicJwks(now: number = Date.now()): PublicJwks {
    const live = [this.#current, ...this.#previous.filter((p) => p.verifyUntil > now).map((p) => p.key)];
    return { keys: live.map((key) => ({ ...key.publicJwk, kid: key.kid, alg: key.alg, use: 'sig' })) };
  }

  /**
   * Drops retired keys whose window ended at or before `now`; returns their kids.
   * @example setInterval(() => ring.prune(), 60_000);
   */
  prune(now: number = Date.now()): string[] {
    const removed = this.#previous.filter((p) => p.verifyUntil <= now).map((p) => p.key.kid);
    this.#previous = this.#previous.filter((p) => p.verifyUntil > now);
    return removed;
  }

  /**
   * JSON for storage, private keys included: encrypt it at rest.
   * @example await kv.set('auth:key-ring', ring.serialize());
   */
  serialize(): string {
    return JSON.stringify({
      current: toStored(this.#current),
      previous: this.#previous.map((p) => ({ key: toStored(p.key), verifyUntil: p.verifyUntil })),
    });
  }

  /**
   * Reads what {@link KeyRing.serialize} wrote, re-validating every key.
   * @example const ring = await KeyRing.deserialize(stored);
   */
  static async deserialize(json: string): Promise<KeyRing> {
    const value = JSON.parse(json) as { current?: unknown; previous?: unknown } | null;
    if (typeof value !== 'object' || value === null || !Array.isArray(value.previous)) {
      throw new TypeError('Stored key ring: expected { current, previous[] }');
    }
    const current = await fromStored(value.current);
    const previous: RetiringKey[] = [];
    for (const entry of value.previous as { key?: unknown; verifyUntil?: unknown }[]) {
      if (typeof entry?.verifyUntil !== 'number') throw new TypeError('Stored key ring: verifyUntil must be a number');
      previous.push({ key: await fromStored(entry.key), verifyUntil: entry.verifyUntil });
    }
    return new KeyRing(current, previous);
  }
}
