import type { Migration } from '../../../../lib/db/types.ts';

/**
 * Users, roles, sessions (refresh tokens), signing keys, email confirmations and the mail outbox.
 * Portable SQL: runs on PostgreSQL 13+ and PGlite (`gen_random_uuid()` is built in on both). Emails are stored
 * lower-cased by the code (`apps/auth/users/email.ts`); secrets are stored only as SHA-256 hex (`token_hash`).
 */
export const m0001Users: Migration = {
  id: '0001_users',
  sql: `
create table auth.users (
  id uuid primary key default gen_random_uuid(),
  email text not null unique,
  password_hash text,
  provider text not null default 'email',
  external_id text unique,
  user_metadata jsonb not null default '{}'::jsonb,
  email_confirmed_at timestamptz,
  last_sign_in_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table auth.user_roles (
  user_id uuid not null references auth.users (id) on delete cascade,
  role text not null check (role in ('super_admin', 'admin', 'developer', 'user', 'viewer', 'kb_admin', 'kb_editor', 'kb_viewer')),
  created_at timestamptz not null default now(),
  primary key (user_id, role)
);

create table auth.refresh_tokens (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users (id) on delete cascade,
  family_id uuid not null,
  token_hash text not null unique,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  revoked_at timestamptz,
  replaced_by uuid references auth.refresh_tokens (id) on delete set null
);
create index refresh_tokens_family_idx on auth.refresh_tokens (family_id);
create index refresh_tokens_user_idx on auth.refresh_tokens (user_id);

create table auth.signing_keys (
  kid text primary key,
  alg text not null,
  private_jwk jsonb not null,
  public_jwk jsonb not null,
  created_at timestamptz not null default now(),
  retired_at timestamptz,
  verify_until timestamptz
);
-- At most one current (unretired) key, whatever the instances racing to create one do.
create unique index signing_keys_one_current on auth.signing_keys ((true)) where retired_at is null;

create table auth.email_confirmations (
  token_hash text primary key,
  user_id uuid not null references auth.users (id) on delete cascade,
  expires_at timestamptz not null,
  used_at timestamptz,
  created_at timestamptz not null default now()
);
create index email_confirmations_user_idx on auth.email_confirmations (user_id);

create table auth.outbox (
  id uuid primary key default gen_random_uuid(),
  recipient text not null,
  subject text not null,
  body text not null,
  created_at timestamptz not null default now()
);
create index outbox_created_idx on auth.outbox (created_at);
`,
};
