import type { JWK } from 'jose';
import { migrate } from '../../lib/db/migrate.ts';
import type { Kv } from '../../lib/kv/types.ts';
import type { SqlServiceDeps } from '../../lib/platform/sql-schema.ts';
import { bootstrapAdmin } from './api-keys/bootstrap.ts';
import { authMigrations } from './db/migrations.ts';

/** Hashes and checks passwords (scrypt on Node: `apps/auth/node/scrypt-hasher.ts`). */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** Timing-safe; false for a malformed hash. */
  verify(hash: string, password: string): Promise<boolean>;
}

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

/** Sends mail. The embedded default writes to the `auth.outbox` table and the log (no SMTP needed locally). */
export interface Mailer {
  send(message: MailMessage): Promise<void>;
}

/** Auth behaviour from config (see `config.ts`); plain data so tests can build it directly. */
export interface AuthSettings {
  /** `iss` of the tokens we issue; GAIA clients expect an https:// URL. */
  issuer: string;
  /** Lifetime of access tokens (default 900 s). */
  accessTokenTtlS: number;
  /** Lifetime of refresh tokens (default 30 days). */
  refreshTokenTtlS: number;
  /** The `<env>` of API keys `gaia_<env>_<random>`. */
  apiKeyEnv: string;
  /** Signing keys rotate after this many days; the previous key keeps verifying for `keyOverlapS`. */
  keyRotationDays: number;
  keyOverlapS: number;
  /** When true, register answers `session: null` until the email is confirmed. */
  requireEmailConfirmation: boolean;
  /** When set, only these email domains may register. */
  allowedEmailDomains?: string[];
  /** Seeds a first admin (and its API key) on an empty database, so a fresh deployment is usable. */
  bootstrapAdmin?: { email: string; password?: string; apiKey?: string };
  /** Public keys of the gateway's internal-token signer, published in our JWKS so services can verify them. */
  internalPublicKeys: JWK[];
  /** Supabase Auth: its tokens are accepted when `jwtSecret` or `url` is set; `backend` makes it the identity backend. */
  supabase?: SupabaseSettings;
}

/** A Supabase project (config `SUPABASE_URL`, `SUPABASE_ANON_KEY`, `SUPABASE_JWT_SECRET`, `AUTH_BACKEND`). */
export interface SupabaseSettings {
  /** The project URL (`https://<project>.supabase.co`): its JWKS verifies ES256/RS256 tokens; the backend calls it. */
  url?: string;
  /** The project's anon (publishable) key, sent by the backend. */
  anonKey?: string;
  /** The legacy shared JWT secret: verifies HS256 tokens. */
  jwtSecret?: string;
  /** When true, login, register, refresh, logout, confirm and resend-verification go to Supabase Auth (needs `url` and `anonKey`). */
  backend: boolean;
}

/** What the auth service needs; built once per process by an entry file (Node alone, all-in-one, tests). */
export interface AuthDeps extends SqlServiceDeps {
  kv: Kv;
  settings: AuthSettings;
  passwordHasher: PasswordHasher;
  mailer: Mailer;
  /** Injectable clock (ms) for tests. */
  now: () => number;
}

/**
 * Background start-up: the `auth` schema's migrations, then the configured first admin (`bootstrapAdmin`), retried
 * with backoff until they succeed; `/ready` is 503 until then. The entry also starts `startKeyUsageFlusher`.
 */
export function startAuth(deps: AuthDeps): Promise<void> {
  return deps.readiness.start(
    'database',
    async () => {
      await migrate(deps.db, 'auth', authMigrations, deps.logger);
      const bootstrap = await bootstrapAdmin(deps);
      if (bootstrap.action !== 'skipped') deps.logger.info('bootstrap admin ready', { ...bootstrap });
    },
    { probe: () => deps.db.ping() },
  );
}
