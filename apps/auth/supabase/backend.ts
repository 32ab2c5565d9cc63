import { GaiaError } from '../../../lib/gaia/errors.ts';
import type { ConfirmationFailure } from '../sessions/email-confirmation.ts';
import type { LoginFailure } from '../sessions/login.ts';
import type { GaiaSession, GaiaSessionResponse, GaiaUser } from '../sessions/session-response.ts';

/** What register answers: the new user, and a session unless the address must be confirmed first. */
export interface Registration {
  user: GaiaUser;
  session: GaiaSession | null;
}

/** Why a registration was refused, in the cases GAIA has a message for. */
export type RegistrationFailure = 'email_taken' | 'invalid_email' | 'rate_limited';

/**
 * An external identity backend behind GAIA's auth operations (GAIA-API §10), e.g. Supabase Auth. Results are GAIA's
 * wire shapes, refusals GAIA has a message for are failure codes (as the built-in helpers answer them), any other
 * refusal is an {@link IdentityRefusal}, and an unreachable backend a 503 `GaiaError`.
 */
export interface IdentityBackend {
  readonly name: 'supabase';
  login(email: string, password: string): Promise<GaiaSessionResponse | LoginFailure>;
  register(email: string, password: string): Promise<Registration | RegistrationFailure>;
  /** Throws {@link IdentityRefusal} with the reason (e.g. `Invalid Refresh Token: Already Used`). */
  refresh(refreshToken: string): Promise<GaiaSessionResponse>;
  /** Ends the sessions the tokens name; tokens that name none are not an error. */
  logout(credentials: { refreshToken?: string | undefined; accessToken?: string | undefined }): Promise<void>;
  confirm(email: string, token: string): Promise<GaiaUser | ConfirmationFailure>;
  /** `sent` also for unknown and confirmed addresses, so callers cannot probe which exist. */
  resendVerification(email: string): Promise<'sent' | 'too_soon'>;
}

/** The backend refused for a reason GAIA shows as `<Operation> failed: <reason>`; `message` is the reason. */
export class IdentityRefusal extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'IdentityRefusal';
  }
}

/** GAIA's answer when a backing service is unreachable (GAIA-API §2). */
export const IDENTITY_UNAVAILABLE = 'Service auth unavailable';

/**
 * A `catch` handler turning an {@link IdentityRefusal} into GAIA's 400 `<prefix>: <reason>`; rethrows anything else.
 * @example const session = await backend.refresh(token).catch(refusalAs('Token refresh failed'));
 */
export function refusalAs(prefix: string): (err: unknown) => never {
  return function rethrowRefusal(err) {
    throw err instanceof IdentityRefusal ? new GaiaError(400, `${prefix}: ${err.message}`) : err;
  };
}
