import type { AuthDeps } from '../deps.ts';
import { displayPrefix, hashApiKey, isApiKeyShape } from '../../../lib/auth/api-key-format.ts';
import { revocationsFor } from '../revocations/publisher.ts';
import { recordRoleChange } from '../users/role-changes.ts';
import { inRoleOrder, rolesOf } from '../users/roles.ts';

export interface BootstrapResult {
  /** `skipped`: not configured, or an admin already exists; `created`/`promoted`: the user is now super_admin. */
  action: 'skipped' | 'created' | 'promoted';
  userId?: string;
  /** Whether the operator's API key was stored (as its hash) for the admin. */
  keyStored: boolean;
  /** The admin's token version after the promotion (its older tokens are outdated). */
  tokenVersion?: number;
}

const ADMIN_EXISTS = `select exists (select 1 from auth.user_roles where role in ('admin', 'super_admin')) as present`;

/**
 * Makes a fresh deployment usable: when `settings.bootstrapAdmin` is set and no user is admin or super_admin yet,
 * creates that user (or promotes an existing one) as super_admin and, when `apiKey` is given, stores that key's
 * hash as the admin's key (name `bootstrap`). Idempotent, and safe when several instances start at once (one
 * transaction under an advisory lock). Run it after the migrations. Never logs the key or the password.
 * Throws (without echoing it) when `apiKey` is not a `gaia_<env>_<base62>` key of at least 128 bits.
 * @example await startAuth(deps); await bootstrapAdmin(deps);
 */
export async function bootstrapAdmin(deps: AuthDeps): Promise<BootstrapResult> {
  const config = deps.settings.bootstrapAdmin;
  if (!config) return { action: 'skipped', keyStored: false };
  if (config.apiKey !== undefined && !isApiKeyShape(config.apiKey)) {
    throw new Error('bootstrapAdmin.apiKey must be a gaia_<env>_<random> key with at least 22 base62 characters');
  }
  const [existing] = await deps.db.query<{ present: boolean }>(ADMIN_EXISTS);
  if (existing?.present) return { action: 'skipped', keyStored: false };

  const email = config.email.trim().toLowerCase();
  const passwordHash = config.password === undefined ? null : await deps.passwordHasher.hash(config.password);
  const key = config.apiKey === undefined ? null : { hash: await hashApiKey(config.apiKey), prefix: displayPrefix(config.apiKey) };
  const now = new Date(deps.now());

  const result = await deps.db.transaction<BootstrapResult>(async (tx) => {
    await tx.query(`select pg_advisory_xact_lock(hashtext('gaia:auth:bootstrap-admin'))`);
    const [again] = await tx.query<{ present: boolean }>(ADMIN_EXISTS);
    if (again?.present) return { action: 'skipped', keyStored: false };
    const [found] = await tx.query<{ id: string }>("select id from auth.users where email = $1 and provider = 'email'", [email]);
    let userId = found?.id;
    if (userId === undefined) {
      const [created] = await tx.query<{ id: string }>(
        `insert into auth.users (email, password_hash, email_confirmed_at, created_at, updated_at)
         values ($1, $2, $3, $3, $3) returning id`,
        [email, passwordHash, now],
      );
      userId = created!.id;
    }
    const from = await rolesOf(tx, userId);
    await tx.query(
      `insert into auth.user_roles (user_id, role, created_at) values ($1, 'super_admin', $2) on conflict do nothing`,
      [userId, now],
    );
    const tokenVersion = await recordRoleChange(tx, {
      actor: null,
      target: { id: userId, email },
      from,
      to: inRoleOrder([...from, 'super_admin']),
      at: now,
    });
    let keyStored = false;
    if (key) {
      const stored = await tx.query(
        `insert into auth.api_keys (user_id, name, prefix, key_hash, created_at) values ($1, 'bootstrap', $2, $3, $4)
         on conflict (key_hash) do nothing returning id`,
        [userId, key.prefix, key.hash, now],
      );
      keyStored = stored.length > 0;
    }
    return { action: found ? 'promoted' : 'created', userId, keyStored, tokenVersion };
  });

  if (result.userId !== undefined && result.tokenVersion !== undefined) {
    await revocationsFor(deps).announce([{ type: 'user', userId: result.userId, tokenVersion: result.tokenVersion }]);
  }
  if (result.action !== 'skipped') {
    deps.logger.info('bootstrap admin ready', { userId: result.userId, email, action: result.action, keyStored: result.keyStored });
    if (key && !result.keyStored) deps.logger.warn('bootstrap admin key was not stored: that key is already in use');
  }
  return result;
}
