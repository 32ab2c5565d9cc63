import type { Migration } from '../../../../lib/db/types.ts';

/**
 * API keys and teams (membership). Keys are stored as their SHA-256 (hex) and a display prefix only; `roles` null
 * means "the owner's roles", else the key's scopes. A rotated key keeps working until `grace_until`.
 */
export const m0002Access: Migration = {
  id: '0002_access',
  sql: `
create table auth.api_keys (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users (id) on delete cascade,
  name text not null check (char_length(name) between 1 and 100),
  prefix text not null,
  key_hash text not null unique check (key_hash ~ '^[0-9a-f]{64}$'),
  roles text[] check (
    roles is null
    or roles <@ array['super_admin', 'admin', 'developer', 'user', 'viewer', 'kb_admin', 'kb_editor', 'kb_viewer']::text[]
  ),
  expires_at timestamptz,
  revoked_at timestamptz,
  last_used_at timestamptz,
  created_at timestamptz not null default now(),
  rotated_from uuid references auth.api_keys (id) on delete set null,
  grace_until timestamptz
);
create index api_keys_user_id_idx on auth.api_keys (user_id);

create table auth.teams (
  id uuid primary key default gen_random_uuid(),
  name text not null unique check (char_length(name) between 1 and 100),
  created_at timestamptz not null default now()
);

create table auth.team_members (
  team_id uuid not null references auth.teams (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  role text not null default 'member' check (role in ('member', 'admin')),
  created_at timestamptz not null default now(),
  primary key (team_id, user_id)
);
create index team_members_user_id_idx on auth.team_members (user_id);
`,
};
