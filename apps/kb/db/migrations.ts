import type { Migration } from '../../../lib/db/types.ts';

/**
 * Forward-only migrations of the kb schema, for a given schema name (tests use a unique one; the service uses
 * `kb`). Never edit one that has shipped. pgvector is NOT here: the embeddings table is created at run time by
 * `search/vector-store.ts` when the database has the extension.
 * @example await migrate(db, 'kb', kbMigrationsFor('kb'), logger);
 */
export function kbMigrationsFor(schema: string): Migration[] {
  const s = `"${schema}"`;
  return [
    {
      id: '0001_index',
      sql: `
create table ${s}.documents (
  path text primary key,
  namespace text,
  title text not null,
  tags text[] not null default '{}',
  metadata jsonb not null default '{}'::jsonb,
  blob_oid text not null,
  commit_sha text not null,
  size int not null,
  indexed_at timestamptz not null default now()
);
create index documents_namespace_idx on ${s}.documents (namespace);
create index documents_path_pattern_idx on ${s}.documents (path text_pattern_ops);
create index documents_tags_idx on ${s}.documents using gin (tags);

create table ${s}.chunks (
  id bigint generated always as identity primary key,
  path text not null references ${s}.documents (path) on delete cascade,
  ordinal int not null,
  heading text not null,
  content text not null,
  line_start int not null,
  line_end int not null,
  tsv tsvector not null,
  unique (path, ordinal)
);
create index chunks_tsv_idx on ${s}.chunks using gin (tsv);

create table ${s}.index_state (
  id boolean primary key default true check (id),
  commit_sha text not null,
  updated_at timestamptz not null default now()
);
`,
    },
  ];
}

/** Forward-only migrations of the `kb` schema, applied in order at start-up. */
export const kbMigrations: Migration[] = kbMigrationsFor('kb');
