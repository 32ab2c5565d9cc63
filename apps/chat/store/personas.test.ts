import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../../lib/db/types.ts';
import { dbBackends, dropSchema } from '../../../lib/testing/db.ts';
import {
  createPersona,
  DEFAULT_PERSONA,
  deletePersona,
  getPersona,
  getPersonaByName,
  listPersonas,
  PersonaConflictError,
  seedPersonas,
  updatePersona,
} from './personas.ts';
import type { ChatStore } from './store.ts';
import { chatTestStore } from './test-support.ts';

describe.each(dbBackends())('personas on $name', ({ create }) => {
  let db: Db;
  let store: ChatStore;
  const alice = crypto.randomUUID();

  beforeAll(async () => {
    db = await create();
  });
  afterAll(() => db?.close());
  beforeEach(async () => {
    store = await chatTestStore(db);
  });
  afterEach(() => dropSchema(db, store.schema));

  it('seeds Mu, Researcher and Plain once, also when seeding runs concurrently', async () => {
    const runs = await Promise.all([seedPersonas(store), seedPersonas(store), seedPersonas(store)]);
    expect(runs.flat().sort()).toEqual(['Mu', 'Plain', 'Researcher']);
    expect(await seedPersonas(store)).toEqual([]);

    const personas = await listPersonas(store, { activeOnly: true });
    expect(personas.map((p) => p.name).sort()).toEqual(['Mu', 'Plain', 'Researcher']);
    const mu = await getPersonaByName(store, 'mU');
    expect(DEFAULT_PERSONA).toBe('Mu');
    expect(mu).toMatchObject({
      name: 'Mu',
      personalityTraits: { cheerful: true, helpful: true },
      capabilities: {},
      allowedTools: null,
      defaultModel: null,
      isActive: true,
      createdBy: null,
      seeded: true,
    });
    expect(mu!.systemPrompt).toMatch(/Mu.*cheerful robot companion/);
    expect(mu!.createdAt).toBeInstanceOf(Date);
    expect((await getPersonaByName(store, 'researcher'))!.allowedTools).toEqual(['kb_*']);
    expect((await getPersonaByName(store, 'Plain'))!.allowedTools).toEqual([]);
    expect(await getPersona(store, mu!.id)).toEqual(mu);
  });

  it('creates personas with unique names (case-insensitive) and updates them', async () => {
    await seedPersonas(store);
    const pirate = await createPersona(
      store,
      {
        name: 'Pirate',
        description: 'Arr',
        systemPrompt: 'Speak like a pirate.',
        personalityTraits: { salty: true, nested: { level: 2 } },
        capabilities: { tools: ['kb'] },
        allowedTools: ['kb_search', 'weather__*'],
        defaultModel: 'openai/gpt-4o-mini',
      },
      alice,
    );
    expect(pirate).toMatchObject({
      name: 'Pirate',
      description: 'Arr',
      personalityTraits: { salty: true, nested: { level: 2 } },
      capabilities: { tools: ['kb'] },
      allowedTools: ['kb_search', 'weather__*'],
      defaultModel: 'openai/gpt-4o-mini',
      isActive: true,
      createdBy: alice,
      seeded: false,
    });
    await expect(createPersona(store, { name: 'PIRATE', systemPrompt: 'x' }, alice)).rejects.toBeInstanceOf(PersonaConflictError);
    await expect(createPersona(store, { name: 'mu', systemPrompt: 'x' }, null)).rejects.toThrow(/already exists/);

    await expect(updatePersona(store, pirate.id, { name: 'researcher' })).rejects.toBeInstanceOf(PersonaConflictError);
    const renamed = await updatePersona(store, pirate.id, { name: 'Captain', allowedTools: null, personalityTraits: {} });
    expect(renamed).toMatchObject({ name: 'Captain', allowedTools: null, personalityTraits: {}, description: 'Arr' });
    expect(renamed!.updatedAt.getTime()).toBeGreaterThanOrEqual(pirate.updatedAt.getTime());
    expect(await updatePersona(store, pirate.id, { name: 'captain' })).toMatchObject({ name: 'captain' });
    expect(await updatePersona(store, crypto.randomUUID(), { name: 'x' })).toBeNull();
    expect(await getPersona(store, 'not-a-uuid')).toBeNull();
    expect(await getPersonaByName(store, 'nobody')).toBeNull();
  });

  it('filters inactive personas, deletes user ones and only deactivates seeded ones', async () => {
    await seedPersonas(store);
    const temp = await createPersona(store, { name: 'Temp', systemPrompt: 'x', isActive: false }, alice);
    expect((await listPersonas(store, { activeOnly: true })).map((p) => p.name)).not.toContain('Temp');
    expect((await listPersonas(store, { activeOnly: false })).map((p) => p.name)).toContain('Temp');

    const plain = await getPersonaByName(store, 'Plain');
    expect(await deletePersona(store, plain!.id)).toBe('deactivated');
    expect(await seedPersonas(store)).toEqual([]);
    expect((await listPersonas(store, { activeOnly: true })).map((p) => p.name).sort()).toEqual(['Mu', 'Researcher']);
    expect(await deletePersona(store, temp.id)).toBe('deleted');
    expect(await getPersona(store, temp.id)).toBeNull();
    expect(await deletePersona(store, temp.id)).toBeNull();
    expect(await deletePersona(store, 'junk')).toBeNull();
  });
});
