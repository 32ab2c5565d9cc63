import type { Migration } from '../../../../lib/db/types.ts';

/**
 * What makes taking access away count at once, and who we say a user is:
 * - `users.token_version`: bumped whenever a user's tokens issued before must stop working (a role change); access
 *   tokens carry it as the `tv` claim and gateways refuse older ones.
 * - `role_changes`: who changed whose roles, from what to what, when (kept even if either user is deleted later).
 * - `identities`: an external identity (a Supabase token) is its issuer and subject, mapped to one user; emails of
 *   such users need not be unique (two subjects may share an address: accounts are never merged by email). Emails
 *   stay unique among the users who sign in with a password (`provider = 'email'`).
 */
export const m0003Revocations: Migration = {
  id: '0003_revocations',
  sql: `
alter table auth.users add column token_version integer not null default 0;

create table auth.role_changes (
  id uuid primary key default gen_random_uuid(),
  actor_id uuid,
  actor_email text,
  target_id uuid not null,
  target_email text not null,
  from_roles text[] not null,
  to_roles text[] not null,
  created_at timestamptz not null default now()
);
create index role_changes_created_idx on auth.role_changes (created_at desc, id desc);
create index role_changes_target_idx on auth.role_changes (target_id, created_at desc);

create table auth.identities (
  issuer text not null check (char_length(issuer) between 1 and 512),
  subject text not null check (char_length(subject) between 1 and 255),
  user_id uuid not null references auth.users (id) on delete cascade,
  created_at timestamptz not null default now(),
  primary key (issuer, subject)
);
create index identities_user_idx on auth.identities (user_id);

alter table auth.users drop constraint users_email_key;
create unique index users_email_local on auth.users (email) where provider = 'email';
create index users_email_idx on auth.users (email);
`,
};
