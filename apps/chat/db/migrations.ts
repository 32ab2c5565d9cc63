import type { Migration } from '../../../lib/db/types.ts';

/**
 * Forward-only migrations of the chat schema, for a given schema name (tests use a unique one; the service uses
 * `chat`). Never edit one that has shipped. `gen_random_uuid()` is built in since PostgreSQL 13 (and in PGlite).
 * Messages carry a `seq` identity so their order is their insertion order, even when timestamps tie.
 * @example await migrate(db, 'chat', chatMigrationsFor('chat'), logger);
 */
export function chatMigrationsFor(schema: string): Migration[] {
  const s = `"${schema}"`;
  return [
    {
      id: '0001_store',
      sql: `
create table ${s}.personas (
  id uuid primary key default gen_random_uuid(),
  name text not null,
  name_key text generated always as (lower(name)) stored unique,
  description text not null default '',
  system_prompt text not null,
  personality_traits jsonb not null default '{}'::jsonb,
  capabilities jsonb not null default '{}'::jsonb,
  allowed_tools text[],
  default_model text,
  is_active boolean not null default true,
  created_by text,
  seeded boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table ${s}.conversations (
  id uuid primary key default gen_random_uuid(),
  owner_id text not null,
  title text not null,
  preview text not null default '',
  persona_id uuid references ${s}.personas (id) on delete set null,
  model text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz
);
create index conversations_owner_recent_idx on ${s}.conversations (owner_id, updated_at desc, id desc)
  where deleted_at is null;
create index conversations_owner_idx on ${s}.conversations (owner_id);

create table ${s}.messages (
  id uuid primary key default gen_random_uuid(),
  seq bigint generated always as identity,
  conversation_id uuid not null references ${s}.conversations (id) on delete cascade,
  role text not null check (role in ('user', 'assistant', 'system', 'tool')),
  content text not null default '',
  tool_calls jsonb,
  model text,
  provider text,
  input_tokens integer check (input_tokens >= 0),
  output_tokens integer check (output_tokens >= 0),
  status text not null default 'complete' check (status in ('complete', 'partial', 'error')),
  error text,
  created_at timestamptz not null default clock_timestamp()
);
create index messages_conversation_idx on ${s}.messages (conversation_id, seq);
`,
    },
    {
      // Personas get owners: a user's are private to them (and admins), seeded and ownerless ones are public, and
      // names are unique per owner and among the public ones instead of across everyone (no more squatting).
      id: '0002_persona_owners',
      sql: `
alter table ${s}.personas add column visibility text not null default 'private' check (visibility in ('private', 'public'));
update ${s}.personas set visibility = 'public' where seeded or created_by is null;
alter table ${s}.personas add constraint personas_private_has_owner check (visibility = 'public' or created_by is not null);
alter table ${s}.personas drop constraint personas_name_key_key;
create unique index personas_scope_name_idx on ${s}.personas ((case when visibility = 'public' then '' else created_by end), name_key);
create index personas_created_by_idx on ${s}.personas (created_by) where visibility = 'private';
`,
    },
  ];
}

/** Forward-only migrations of the `chat` schema, applied in order at start-up. */
export const chatMigrations: Migration[] = chatMigrationsFor('chat');
