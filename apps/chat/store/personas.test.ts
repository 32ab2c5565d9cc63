import { describe, expect, it } from 'vitest';
import { dbBackends } from '../../../lib/testing/db.ts';
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
import { useChatStore } from './test-support.ts';

describe.each(dbBackends())('personas on $name', ({ create }) => {
  const chat = useChatStore(create);
  const alice = crypto.randomUUID();

  it('seeds Mu, Researcher and Plain once, also when seeding runs concurrently', async () => {
    const runs = await Promise.all([seedPersonas(chat.store), seedPersonas(chat.store), seedPersonas(chat.store)]);
    expect(runs.flat().sort()).toEqual(['Mu', 'Plain', 'Researcher']);
    expect(await seedPersonas(chat.store)).toEqual([]);

    const personas = await listPersonas(chat.store, { activeOnly: true });
    expect(personas.map((p) => p.name).sort()).toEqual(['Mu', 'Plain', 'Researcher']);
    const mu = await getPersonaByName(chat.store, 'mU');
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
    expect((await getPersonaByName(chat.store, 'researcher'))!.allowedTools).toEqual(['kb_*']);
    expect((await getPersonaByName(chat.store, 'Plain'))!.allowedTools).toEqual([]);
    expect(await getPersona(chat.store, mu!.id)).toEqual(mu);
  });

  it('creates personas with unique names (case-insensitive) and updates them', async () => {
    await seedPersonas(chat.store);
    const pirate = await createPersona(
      chat.store,
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
    await expect(createPersona(chat.store, { name: 'PIRATE', systemPrompt: 'x' }, alice)).rejects.toBeInstanceOf(PersonaConflictError);
    await expect(createPersona(chat.store, { name: 'mu', systemPrompt: 'x' }, null)).rejects.toThrow(/already exists/);

    await expect(updatePersona(chat.store, pirate.id, { name: 'researcher' })).rejects.toBeInstanceOf(PersonaConflictError);
    const renamed = await updatePersona(chat.store, pirate.id, { name: 'Captain', allowedTools: null, personalityTraits: {} });
    expect(renamed).toMatchObject({ name: 'Captain', allowedTools: null, personalityTraits: {}, description: 'Arr' });
    expect(renamed!.updatedAt.getTime()).toBeGreaterThanOrEqual(pirate.updatedAt.getTime());
    expect(await updatePersona(chat.store, pirate.id, { name: 'captain' })).toMatchObject({ name: 'captain' });
    expect(await updatePersona(chat.store, crypto.randomUUID(), { name: 'x' })).toBeNull();
    expect(await getPersona(chat.store, 'not-a-uuid')).toBeNull();
    expect(await getPersonaByName(chat.store, 'nobody')).toBeNull();
  });

  it('filters inactive personas, deletes user ones and only deactivates seeded ones', async () => {
    await seedPersonas(chat.store);
    const temp = await createPersona(chat.store, { name: 'Temp', systemPrompt: 'x', isActive: false }, alice);
    expect((await listPersonas(chat.store, { activeOnly: true })).map((p) => p.name)).not.toContain('Temp');
    expect((await listPersonas(chat.store, { activeOnly: false })).map((p) => p.name)).toContain('Temp');

    const plain = await getPersonaByName(chat.store, 'Plain');
    expect(await deletePersona(chat.store, plain!.id)).toBe('deactivated');
    expect(await seedPersonas(chat.store)).toEqual([]);
    expect((await listPersonas(chat.store, { activeOnly: true })).map((p) => p.name).sort()).toEqual(['Mu', 'Researcher']);
    expect(await deletePersona(chat.store, temp.id)).toBe('deleted');
    expect(await getPersona(chat.store, temp.id)).toBeNull();
    expect(await deletePersona(chat.store, temp.id)).toBeNull();
    expect(await deletePersona(chat.store, 'junk')).toBeNull();
  });
});
