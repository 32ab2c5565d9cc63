import { createPostgresDb } from '../../lib/db/postgres.ts';

/** `url` with its database replaced by `name`. */
function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function admin(url: string, sql: string): Promise<void> {
  const db = createPostgresDb(url, { max: 1 });
  try {
    await db.exec(sql);
  } finally {
    await db.close();
  }
}

/**
 * A fresh PostgreSQL database for one run, next to the one `adminUrl` names; `drop()` removes it.
 * @example const scratch = await scratchDatabase('postgres://postgres@127.0.0.1:5432/test', 'chat_bench'); ...; await scratch.drop();
 */
export async function scratchDatabase(adminUrl: string, name: string): Promise<{ url: string; drop(): Promise<void> }> {
  await admin(adminUrl, `drop database if exists "${name}" with (force)`);
  await admin(adminUrl, `create database "${name}"`);
  return { url: withDatabase(adminUrl, name), drop: () => admin(adminUrl, `drop database if exists "${name}" with (force)`) };
}
