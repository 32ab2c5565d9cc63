import type { AuthDeps, PasswordHasher } from '../deps.ts';
import { isValidEmail, normalizeEmail } from '../users/email.ts';
import { findUserByEmail } from '../users/find-user.ts';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../users/password-policy.ts';
import type { User } from '../users/user.ts';

/** Why a login was refused; only `unconfirmed` is ever told apart (and only after the right password). */
export type LoginFailure = 'invalid_credentials' | 'unconfirmed';

const dummyHashes = new WeakMap<PasswordHasher, Promise<string>>();

/**
 * A hash of a random password made by `hasher` (so with its parameters), computed once per hasher: verifying
 * against it costs what verifying a real user's hash costs.
 * @example await hasher.verify(await dummyHashFor(hasher), password); // always false
 */
export function dummyHashFor(hasher: PasswordHasher): Promise<string> {
  let pending = dummyHashes.get(hasher);
  if (!pending) {
    pending = hasher.hash(crypto.randomUUID());
    pending.catch(() => dummyHashes.delete(hasher));
    dummyHashes.set(hasher, pending);
  }
  return pending;
}

/**
 * Checks an email and password. Every refusal costs one password verification — unknown emails, users without a
 * password and malformed input are checked against a dummy hash — so timing does not tell which emails exist.
 * Resolves the user, or the reason it failed.
 * @example const result = await checkCredentials(deps, email, password); if (typeof result === 'string') fail();
 */
export async function checkCredentials(deps: AuthDeps, email: string, password: string): Promise<User | LoginFailure> {
  const normalized = normalizeEmail(email);
  const wellFormed =
    isValidEmail(normalized) && password.length >= MIN_PASSWORD_LENGTH && password.length <= MAX_PASSWORD_LENGTH;
  const user = wellFormed ? await findUserByEmail(deps.db, normalized) : null;
  const hasher = deps.passwordHasher;
  if (!user?.passwordHash) {
    // Truncated: a malformed (say, megabyte) password must not cost more than a real one.
    await hasher.verify(await dummyHashFor(hasher), password.slice(0, MAX_PASSWORD_LENGTH));
    return 'invalid_credentials';
  }
  if (!(await hasher.verify(user.passwordHash, password))) return 'invalid_credentials';
  if (deps.settings.requireEmailConfirmation && user.emailConfirmedAt === null) return 'unconfirmed';
  return user;
}
