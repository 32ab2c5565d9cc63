import { describe, expect, it } from 'vitest';
import { migrate } from '../../../lib/db/migrate.ts';
import { dbBackends, dropSchema, uniqueSchema } from '../../../lib/testing/db.ts';
import { chatMigrationsFor } from '../db/migrations.ts';
import {
  createPersona,
  DEFAULT_PERSONA,
  deletePersona,
  getPersona,
  getPersonaByName,
  getVisiblePersona,
  listPersonas,
  PersonaConflictError,
  seedPersonas,
  updatePersona,
} from './personas.ts';
import { createChatStore } from './store.ts';
import { useChatStore } from './test-support.ts';

describe.each(dbBackends())('personas on $name', ({ create }) => {
  const chat = useChatStore(create);
  const alice = crypto.randomUUID();
  const bob = crypto.randomUUID();
  const everyone = { userId: alice, admin: true };

  it('seeds Mu, Researcher and Plain once, also when seeding runs concurrently', async () => {
    const runs = await Promise.all([seedPersonas(chat.store), seedPersonas(chat.store), seedPersonas(chat.store)]);
    expect(runs.flat().sort()).toEqual(['Mu', 'Plain', 'Researcher']);
    expect(await seedPersonas(chat.store)).toEqual([]);

    const personas = await listPersonas(chat.store, { activeOnly: true, viewer: everyone });
    expect(personas.map((p) => p.name).sort()).toEqual(['Mu', 'Plain', 'Researcher']);
    const mu = await getPersonaByName(chat.store, 'mU', null);
    expect(DEFAULT_PERSONA).toBe('Mu');
    expect(mu).toMatchObject({
      name: 'Mu',
      personalityTraits: { cheerful: true, helpful: true },
      capabilities: {},
      allowedTools: null,
      defaultModel: null,
      isActive: true,
      createdBy: null,
      visibility: 'public',
      seeded: true,
    });
    expect(mu!.systemPrompt).toMatch(/Mu.*cheerful robot companion/);
    expect(mu!.createdAt).toBeInstanceOf(Date);
    expect((await getPersonaByName(chat.store, 'researcher', null))!.allowedTools).toEqual(['kb_*']);
    expect((await getPersonaByName(chat.store, 'Plain', null))!.allowedTools).toEqual([]);
    expect(await getPersona(chat.store, mu!.id)).toEqual(mu);
  });

  it('creates personas with names unique per owner (case-insensitive) and updates them', async () => {
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
      visibility: 'private',
      seeded: false,
    });
    await expect(createPersona(chat.store, { name: 'PIRATE', systemPrompt: 'x' }, alice)).rejects.toBeInstanceOf(PersonaConflictError);
    await expect(createPersona(chat.store, { name: 'mu', systemPrompt: 'x' }, null)).rejects.toThrow(/already exists/);

    await createPersona(chat.store, { name: 'Parrot', systemPrompt: 'x' }, alice);
    await expect(updatePersona(chat.store, pirate.id, { name: 'parrot' })).rejects.toBeInstanceOf(PersonaConflictError);
    const renamed = await updatePersona(chat.store, pirate.id, { name: 'Captain', allowedTools: null, personalityTraits: {} });
    expect(renamed).toMatchObject({ name: 'Captain', allowedTools: null, personalityTraits: {}, description: 'Arr' });
    expect(renamed!.updatedAt.getTime()).toBeGreaterThanOrEqual(pirate.updatedAt.getTime());
    expect(await updatePersona(chat.store, pirate.id, { name: 'captain' })).toMatchObject({ name: 'captain' });
    expect(await updatePersona(chat.store, crypto.randomUUID(), { name: 'x' })).toBeNull();
    expect(await getPersona(chat.store, 'not-a-uuid')).toBeNull();
    expect(await getPersonaByName(chat.store, 'nobody', null)).toBeNull();
  });

  it('filters inactive personas, deletes user ones and only deactivates seeded ones', async () => {
    await seedPersonas(chat.store);
    const temp = await createPersona(chat.store, { name: 'Temp', systemPrompt: 'x', isActive: false }, alice);
    expect((await listPersonas(chat.store, { activeOnly: true, viewer: everyone })).map((p) => p.name)).not.toContain('Temp');
    expect((await listPersonas(chat.store, { activeOnly: false, viewer: everyone })).map((p) => p.name)).toContain('Temp');

    const plain = await getPersonaByName(chat.store, 'Plain', null);
    expect(await deletePersona(chat.store, plain!.id)).toBe('deactivated');
    expect(await seedPersonas(chat.store)).toEqual([]);
    expect((await listPersonas(chat.store, { activeOnly: true, viewer: everyone })).map((p) => p.name).sort()).toEqual(['Mu', 'Researcher']);
    expect(await deletePersona(chat.store, temp.id)).toBe('deleted');
    expect(await getPersona(chat.store, temp.id)).toBeNull();
    expect(await deletePersona(chat.store, temp.id)).toBeNull();
    expect(await deletePersona(chat.store, 'junk')).toBeNull();
  });

  it('scopes personas to their owner: names per owner and among public ones, a name resolves to the own one first', async () => {
    await seedPersonas(chat.store);
    const alices = await createPersona(chat.store, { name: 'Pirate', systemPrompt: 'Alice’s' }, alice);
    const bobs = await createPersona(chat.store, { name: 'pirate', systemPrompt: 'Bob’s' }, bob);
    const bobsMu = await createPersona(chat.store, { name: 'Mu', systemPrompt: 'Bob’s Mu' }, bob);
    await expect(createPersona(chat.store, { name: 'MU', systemPrompt: 'x' }, bob)).rejects.toBeInstanceOf(PersonaConflictError);
    await expect(createPersona(chat.store, { name: 'Plain', systemPrompt: 'x', visibility: 'public' }, bob)).rejects.toBeInstanceOf(PersonaConflictError);

    expect((await getPersonaByName(chat.store, 'PIRATE', alice))?.id).toBe(alices.id);
    expect((await getPersonaByName(chat.store, 'PIRATE', bob))?.id).toBe(bobs.id);
    expect(await getPersonaByName(chat.store, 'Pirate', null)).toBeNull();
    expect(await getPersonaByName(chat.store, 'Pirate', crypto.randomUUID())).toBeNull();
    expect((await getPersonaByName(chat.store, 'mu', bob))?.id).toBe(bobsMu.id);
    expect((await getPersonaByName(chat.store, 'mu', alice))?.seeded).toBe(true);

    const names = async (viewer: { userId: string; admin: boolean }) =>
      (await listPersonas(chat.store, { activeOnly: true, viewer })).map((p) => `${p.name}:${p.createdBy === null ? '-' : p.createdBy === alice ? 'alice' : 'bob'}`);
    // Seeded first, then by creation time, then name: rows made in the same millisecond may come in name order, so
    // each group is compared as a set.
    const aliceSees = await names({ userId: alice, admin: false });
    expect(aliceSees.slice(0, 3).sort()).toEqual(['Mu:-', 'Plain:-', 'Researcher:-']);
    expect(aliceSees.slice(3)).toEqual(['Pirate:alice']);
    const bobSees = await names({ userId: bob, admin: false });
    expect(bobSees.slice(0, 3).sort()).toEqual(['Mu:-', 'Plain:-', 'Researcher:-']);
    expect(bobSees.slice(3).sort()).toEqual(['Mu:bob', 'pirate:bob']);
    expect((await names({ userId: crypto.randomUUID(), admin: true })).length).toBe(6);

    expect(await getVisiblePersona(chat.store, alices.id, { userId: bob, admin: false })).toBeNull();
    expect((await getVisiblePersona(chat.store, alices.id.toUpperCase(), { userId: alice, admin: false }))?.id).toBe(alices.id);
    expect((await getVisiblePersona(chat.store, alices.id, { userId: bob, admin: true }))?.id).toBe(alices.id);

    // Sharing moves a persona into the public names: a clash there is a conflict too.
    await expect(updatePersona(chat.store, bobsMu.id, { visibility: 'public' })).rejects.toThrow('A persona named "Mu" already exists');
    expect(await updatePersona(chat.store, alices.id, { visibility: 'public' })).toMatchObject({ visibility: 'public', createdBy: alice });
    expect((await getPersonaByName(chat.store, 'Pirate', null))?.id).toBe(alices.id);
    expect((await getPersonaByName(chat.store, 'Pirate', bob))?.id).toBe(bobs.id);
  });
});

describe.each(dbBackends())('the persona owners migration on $name', ({ create }) => {
  it('keeps existing personas: seeded and ownerless ones become public, users’ ones private to them', async () => {
    const db = await create();
    const schema = uniqueSchema('chat');
    try {
      const [first, ...rest] = chatMigrationsFor(schema);
      await migrate(db, schema, [first!]);
      const alice = crypto.randomUUID();
      await db.exec(
        `insert into "${schema}".personas (name, system_prompt, created_by, seeded) values
           ('Mu', 'seeded', null, true), ('System', 'made by an operator', null, false), ('Pirate', 'secret', '${alice}', false)`,
      );
      expect((await migrate(db, schema, [first!, ...rest])).applied).toEqual(['0002_persona_owners']);
      const store = createChatStore(db, schema);
      const all = await listPersonas(store, { activeOnly: false, viewer: { userId: alice, admin: true } });
      expect(all.map((p) => [p.name, p.visibility])).toEqual([
        ['Mu', 'public'],
        ['Pirate', 'private'],
        ['System', 'public'],
      ]);
      expect((await listPersonas(store, { activeOnly: false, viewer: { userId: crypto.randomUUID(), admin: false } })).map((p) => p.name)).toEqual(['Mu', 'System']);
      expect((await createPersona(store, { name: 'Pirate', systemPrompt: 'mine' }, crypto.randomUUID())).visibility).toBe('private');
    } finally {
      await dropSchema(db, schema);
      await db.close();
    }
  });
});
