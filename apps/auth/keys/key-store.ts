import type { JWK } from 'jose';
import {
  generateSigningKey,
  importSigningKey,
  isSigningAlgorithm,
  type PublicJwks,
  type RetiringKey,
  type SigningKey,
} from '../../../lib/auth/signing-keys.ts';
import type { Db, Row, SqlRunner } from '../../../lib/db/types.ts';
import type { Logger } from '../../../lib/logging/logger.ts';
import type { AuthDeps, AuthSettings } from '../deps.ts';

/** The auth service's signing keys, persisted in `auth.signing_keys` and cached in memory. */
export interface KeyStore {
  /** The key that signs new tokens: loaded (or created) on first use, rotated when it is older than the setting. */
  signingKey(): Promise<SigningKey>;
  /** What `/.well-known/jwks.json` publishes: our current and still-verifiable retired keys, then the internal keys. */
  jwks(): Promise<PublicJwks>;
  /** Our own public keys only (what our tokens verify against); reloaded when the cache is older than `maxAgeMs`. */
  ownJwks(options?: { maxAgeMs?: number }): Promise<PublicJwks>;
}

export interface KeyStoreOptions {
  db: Db;
  logger: Logger;
  settings: Pick<AuthSettings, 'keyRotationDays' | 'keyOverlapS' | 'internalPublicKeys'>;
  /** Clock in ms since the epoch. Default `Date.now`. */
  now?: () => number;
  /** How long the in-memory copy is used before it is read again. Default 30 s. */
  reloadMs?: number;
}

interface KeyRow extends Row {
  kid: string;
  alg: string;
  private_jwk: JWK | string;
  created_at: Date | string;
  retired_at: Date | string | null;
  verify_until: Date | string | null;
}

interface Snapshot {
  current: SigningKey;
  retired: RetiringKey[];
  loadedAt: number;
}

const DAY_MS = 86_400_000;
/** After a failed reload, the cached keys are used this long before the database is tried again. */
const RETRY_MS = 5_000;
const LOCK = `select pg_advisory_xact_lock(hashtext('gaia:auth:signing-keys'))`;
const SECRET_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k', 'priv'];

const ms = (value: Date | string) => (value instanceof Date ? value : new Date(value)).getTime();

function readKeys(db: SqlRunner, now: number): Promise<KeyRow[]> {
  return db.query<KeyRow>(
    `select kid, alg, private_jwk, created_at, retired_at, verify_until from auth.signing_keys
      where retired_at is null or verify_until > $1
      order by created_at desc, kid`,
    [new Date(now)],
  );
}

const publicEntry = (key: SigningKey): JWK => ({ ...key.publicJwk, kid: key.kid, alg: key.alg, use: 'sig' });

function withoutSecrets(jwk: JWK): JWK {
  const copy: Record<string, unknown> = { ...jwk };
  for (const member of SECRET_MEMBERS) delete copy[member];
  return copy as JWK;
}

/**
 * Signing keys kept in `auth.signing_keys` (private JWKs included: protect the database and its backups).
 * The first use loads the current key, or creates an EdDSA key; the current key is replaced once it is older than
 * `keyRotationDays`, and the replaced one stays in the JWKS for `keyOverlapS`. Creating and rotating happen in one
 * transaction under an advisory lock (and a unique index allows one current key), so instances starting or rotating
 * at the same time end up with the same current key. The keys are cached in memory and read again at most every
 * `reloadMs`, so signing and verifying never read the database per token.
 * @example
 * const keys = createKeyStore({ db, logger, settings });
 * const token = await signToken(await keys.signingKey(), claims, options);
 */
export function createKeyStore(options: KeyStoreOptions): KeyStore {
  const { db, logger, settings } = options;
  const now = options.now ?? Date.now;
  const reloadMs = options.reloadMs ?? 30_000;
  const rotationMs = settings.keyRotationDays * DAY_MS;
  const imported = new Map<string, SigningKey>();
  let snapshot: Snapshot | undefined;
  let loading: Promise<Snapshot> | undefined;
  let failedAt = Number.NEGATIVE_INFINITY;

  const isDue = (createdAt: number, at: number) => rotationMs > 0 && at - createdAt >= rotationMs;

  const importRow = async (row: KeyRow): Promise<SigningKey> => {
    const known = imported.get(row.kid);
    if (known) return known;
    const jwk = (typeof row.private_jwk === 'string' ? JSON.parse(row.private_jwk) : row.private_jwk) as JWK;
    if (!isSigningAlgorithm(row.alg)) throw new TypeError(`Signing key ${row.kid} has unsupported alg ${row.alg}`);
    const key = await importSigningKey({ ...jwk, kid: row.kid, alg: row.alg }, { createdAt: ms(row.created_at) });
    imported.set(row.kid, key);
    return key;
  };

  /** Creates the first key or rotates a due one; returns the rows afterwards and what it did (for the log). */
  const ensureCurrent = async (tx: SqlRunner, at: number): Promise<{ rows: KeyRow[]; created?: string; retired?: string }> => {
    await tx.query(LOCK);
    const rows = await readKeys(tx, at);
    const current = rows.find((r) => r.retired_at === null);
    if (current && !isDue(ms(current.created_at), at)) return { rows };
    const key = await generateSigningKey();
    if (current) {
      await tx.query('update auth.signing_keys set retired_at = $2, verify_until = $3 where kid = $1', [
        current.kid,
        new Date(at),
        new Date(at + settings.keyOverlapS * 1000),
      ]);
    }
    await tx.query(
      'insert into auth.signing_keys (kid, alg, private_jwk, public_jwk, created_at) values ($1, $2, $3, $4, $5)',
      [key.kid, key.alg, key.privateJwk, key.publicJwk, new Date(at)],
    );
    return { rows: await readKeys(tx, at), created: key.kid, ...(current ? { retired: current.kid } : {}) };
  };

  const load = async (): Promise<Snapshot> => {
    const at = now();
    let rows = await readKeys(db, at);
    const current = rows.find((r) => r.retired_at === null);
    if (!current || isDue(ms(current.created_at), at)) {
      const result = await db.transaction((tx) => ensureCurrent(tx, at));
      rows = result.rows;
      if (result.created) {
        logger.info(result.retired ? 'signing key rotated' : 'signing key created', { kid: result.created, retiredKid: result.retired });
      }
    }
    const currentRow = rows.find((r) => r.retired_at === null);
    if (!currentRow) throw new Error('No current signing key after ensuring one');
    const retired: RetiringKey[] = [];
    for (const row of rows) {
      if (row.retired_at === null || row.verify_until === null) continue;
      retired.push({ key: await importRow(row), verifyUntil: ms(row.verify_until) });
    }
    return { current: await importRow(currentRow), retired, loadedAt: now() };
  };

  const reload = (): Promise<Snapshot> => {
    loading ??= load()
      .then((loaded) => {
        snapshot = loaded;
        return loaded;
      })
      .finally(() => {
        loading = undefined;
      });
    return loading;
  };

  const fresh = async (maxAgeMs: number): Promise<Snapshot> => {
    const at = now();
    if (snapshot && at - snapshot.loadedAt < maxAgeMs && !isDue(snapshot.current.createdAt, at)) return snapshot;
    if (!snapshot) return reload();
    if (at - failedAt < RETRY_MS) return snapshot;
    try {
      return await reload();
    } catch (err) {
      // Keep serving the keys we have; try again after RETRY_MS.
      failedAt = now();
      logger.warn('signing keys could not be reloaded; using the cached ones', { err });
      return snapshot;
    }
  };

  const ownJwks = async (maxAgeMs = reloadMs): Promise<PublicJwks> => {
    const { current, retired } = await fresh(maxAgeMs);
    const at = now();
    return { keys: [current, ...retired.filter((r) => r.verifyUntil > at).map((r) => r.key)].map(publicEntry) };
  };

  return {
    async signingKey() {
      return (await fresh(reloadMs)).current;
    },
    async jwks() {
      const own = await ownJwks();
      return { keys: [...own.keys, ...settings.internalPublicKeys.map(withoutSecrets)] };
    },
    ownJwks: (opts) => ownJwks(opts?.maxAgeMs),
  };
}

const stores = new WeakMap<AuthDeps, KeyStore>();

/**
 * The one key store of an `AuthDeps` (created on first call, then shared by every route and module given the same
 * deps, so they share one cache).
 * @example const key = await keyStoreFor(deps).signingKey();
 */
export function keyStoreFor(deps: AuthDeps): KeyStore {
  let store = stores.get(deps);
  if (!store) {
    store = createKeyStore({ db: deps.db, logger: deps.logger, settings: deps.settings, now: deps.now });
    stores.set(deps, store);
  }
  return store;
}
