import { afterAll, describe, expect, it } from 'vitest';
import { createPgliteDb } from '../../lib/db/pglite.ts';
import { WELCOME_PATH } from './docs/welcome.ts';
import { createKbTestApp, type KbTestApp, kbUser } from './testing/kb-app.ts';

describe('a new local knowledge base', () => {
  const apps: KbTestApp[] = [];
  afterAll(async () => {
    for (const app of apps.reverse()) await app.close();
  });

  it('starts with a getting-started document (once), found by search', async () => {
    const db = await createPgliteDb();
    const first = await createKbTestApp({ db, settings: { seed: true } });
    apps.push(first);
    const reader = kbUser(['viewer']);
    expect((await first.call(reader, 'GET', `/api/v1/kb/documents/${WELCOME_PATH}`)).status).toBe(200);
    const found = (await (await first.call(reader, 'GET', '/api/v1/kb/search?q=readable%20editors')).json()) as { results: { path: string }[] };
    expect(found.results.map((r) => r.path)).toContain(WELCOME_PATH);
    await first.call(kbUser(['kb_admin']), 'DELETE', `/api/v1/kb/documents/${WELCOME_PATH}`);
    await first.close({ keepRepo: true });
    apps.pop();

    // A restart reuses the repository: the deleted welcome document does not come back.
    const again = await createKbTestApp({ db, settings: { seed: true, dir: first.deps.settings.dir } });
    apps.push(again);
    expect((await again.call(reader, 'GET', `/api/v1/kb/documents/${WELCOME_PATH}`)).status).toBe(404);
    await db.close().catch(() => undefined);
  });
});
