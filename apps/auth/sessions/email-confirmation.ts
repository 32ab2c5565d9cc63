import type { AuthDeps } from '../deps.ts';
import { normalizeEmail } from '../users/email.ts';
import { markEmailConfirmed } from '../users/sign-in.ts';
import { toUser, type User, type UserRow, userColumnsOf } from '../users/user.ts';
import { randomSecret, sha256Hex } from './secret-token.ts';

/** Confirmation codes are valid this long. */
export const CONFIRMATION_TTL_MS = 24 * 60 * 60 * 1000;
/** One resend per address per this window. */
export const RESEND_WINDOW_MS = 60_000;

export const CONFIRMATION_SUBJECT = 'Confirm your email address';

/** Why a confirmation was refused. */
export type ConfirmationFailure = 'invalid' | 'already_confirmed';

/**
 * Creates a confirmation code for the user (replacing unused earlier ones, so only the latest mail works) and mails
 * it. Only its SHA-256 is stored; the code itself exists in the mail alone.
 * @example await sendConfirmationEmail(deps, user);
 */
export async function sendConfirmationEmail(deps: AuthDeps, user: User): Promise<void> {
  const code = randomSecret();
  const now = deps.now();
  await deps.db.transaction(async (tx) => {
    await tx.query('delete from auth.email_confirmations where user_id = $1 and used_at is null', [user.id]);
    await tx.query(
      'insert into auth.email_confirmations (token_hash, user_id, expires_at, created_at) values ($1, $2, $3, $4)',
      [await sha256Hex(code), user.id, new Date(now + CONFIRMATION_TTL_MS), new Date(now)],
    );
  });
  await deps.mailer.send({
    to: user.email,
    subject: CONFIRMATION_SUBJECT,
    text: [
      'Welcome to GAIA.',
      '',
      'To confirm your email address, send this code with your address to POST /auth/confirm',
      `as {"email": "${user.email}", "token": "<code>"}:`,
      '',
      code,
      '',
      'The code is valid for 24 hours. If you did not sign up, ignore this message.',
    ].join('\n'),
  });
}

interface ConfirmationRow extends UserRow {
  expires_at: Date | string;
  used_at: Date | string | null;
}

/**
 * Confirms `email` with a code from {@link sendConfirmationEmail}: the code must be unused, unexpired and issued for
 * that address. Resolves the updated user, or why it failed (`already_confirmed` once the address is confirmed, also
 * when the code is presented again).
 * @example const result = await confirmEmail(deps, body.email, body.token);
 */
export async function confirmEmail(deps: AuthDeps, email: string, code: string): Promise<User | ConfirmationFailure> {
  const hash = await sha256Hex(code);
  return deps.db.transaction(async (tx) => {
    const [row] = await tx.query<ConfirmationRow>(
      `select ${userColumnsOf('u')}, c.expires_at, c.used_at
         from auth.email_confirmations c join auth.users u on u.id = c.user_id
        where c.token_hash = $1
        for update of c`,
      [hash],
    );
    if (!row || row.email !== normalizeEmail(email)) return 'invalid';
    if (row.email_confirmed_at !== null) return 'already_confirmed';
    const now = deps.now();
    if (row.used_at !== null || new Date(row.expires_at).getTime() <= now) return 'invalid';
    await tx.query('update auth.email_confirmations set used_at = $2 where token_hash = $1', [hash, new Date(now)]);
    return (await markEmailConfirmed(tx, row.id, new Date(now))) ?? toUser(row);
  });
}

/**
 * Counts a confirmation-mail request for `email` and says whether it is allowed: one per {@link RESEND_WINDOW_MS} per
 * address, across instances (a KV counter).
 * @example if (!(await allowConfirmationResend(deps, email))) throw new GaiaError(400, 'Too many requests...');
 */
export async function allowConfirmationResend(deps: AuthDeps, email: string): Promise<boolean> {
  const key = `auth:resend-verification:${await sha256Hex(normalizeEmail(email))}`;
  return (await deps.kv.incr(key, 1, { ttlMs: RESEND_WINDOW_MS })) <= 1;
}
