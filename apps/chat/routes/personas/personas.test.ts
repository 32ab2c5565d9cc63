import { beforeEach, describe, expect, it } from 'vitest';
import { dbBackends } from '../../../../lib/testing/db.ts';
import { getPersonaByName, seedPersonas, updatePersona } from '../../store/personas.ts';
import { useGaiaTestApp } from '../conversations/gaia-test-app.ts';
import type { GaiaPersona, PersonaDetail } from './schemas.ts';

const GAIA_KEYS = [
  'capabilities',
  'created_at',
  'created_by',
  'description',
  'id',
  'is_active',
  'name',
  'personality_traits',
  'system_prompt',
  'updated_at',
];
const DETAIL_KEYS = [...GAIA_KEYS, 'allowed_tools', 'default_model', 'visibility'].sort();
const FORBIDDEN = { detail: 'Not enough permissions' };

interface PersonaList {
  success: boolean;
  total: number;
  message: string;
  personas: GaiaPersona[];
}

describe.each(dbBackends())('GAIA personas on $name', ({ create }) => {
  const t = useGaiaTestApp(create);
  const alice = crypto.randomUUID();
  const bob = crypto.randomUUID();
  const admin = crypto.randomUUID();

  beforeEach(async () => {
    await seedPersonas(t.store);
  });

  const pirate = { name: 'Pirate', description: 'Arr', system_prompt: 'Speak like a pirate.' };
  const createAs = async (user: string, json: Record<string, unknown> = pirate): Promise<GaiaPersona> => {
    const res = await t.call('POST', '/api/v1/chat/personas', { user, json });
    expect(res.status).toBe(200);
    return ((await res.json()) as { persona: GaiaPersona }).persona;
  };
  const list = async (query = ''): Promise<PersonaList> => {
    const res = await t.call('GET', `/api/v1/chat/personas${query}`, { user: alice });
    expect(res.status).toBe(200);
    return (await res.json()) as PersonaList;
  };

  it('lists the seeded personas in GAIA’s shape (Mu first, exact keys)', async () => {
    const body = await list();
    expect(Object.keys(body).sort()).toEqual(['message', 'personas', 'success', 'total']);
    expect(body).toMatchObject({ success: true, message: 'Personas retrieved successfully', total: body.personas.length });
    expect(body.personas[0]).toMatchObject({ name: 'Mu', is_active: true, created_by: null, personality_traits: { cheerful: true } });
    for (const persona of body.personas) expect(Object.keys(persona).sort()).toEqual(GAIA_KEYS);
  });

  it('filters inactive personas unless active_only=false; a non-boolean is a 422', async () => {
    const created = await createAs(alice);
    await updatePersona(t.store, created.id, { isActive: false });
    const names = (b: PersonaList) => b.personas.map((p) => p.name);
    expect(names(await list())).not.toContain('Pirate');
    expect(names(await list('?active_only=true'))).not.toContain('Pirate');
    const all = await list('?active_only=false');
    expect(names(all)).toContain('Pirate');
    expect(all.total).toBe(all.personas.length);
    expect(all.personas.find((p) => p.name === 'Pirate')!.is_active).toBe(false);

    const bad = await t.call('GET', '/api/v1/chat/personas?active_only=maybe', { user: alice });
    expect(bad.status).toBe(422);
    const { detail } = (await bad.json()) as { detail: { loc: unknown[] }[] };
    expect(detail[0]!.loc).toEqual(['query', 'active_only']);
  });

  it('creates a persona: 200, GAIA envelope and exact keys even with our extension fields', async () => {
    const res = await t.call('POST', '/api/v1/chat/personas', {
      user: alice,
      json: { ...pirate, personality_traits: { salty: true }, allowed_tools: ['kb_*'], default_model: 'openai/gpt-4o-mini', extra: 1 },
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { success: boolean; message: string; persona: GaiaPersona };
    expect(Object.keys(body).sort()).toEqual(['message', 'persona', 'success']);
    expect(body).toMatchObject({ success: true, message: 'Persona created successfully' });
    expect(Object.keys(body.persona).sort()).toEqual(GAIA_KEYS);
    expect(body.persona).toMatchObject({ name: 'Pirate', created_by: alice, is_active: true, personality_traits: { salty: true }, capabilities: {} });

    const detail = await t.call('GET', `/api/v1/chat/personas/${body.persona.id}`, { user: alice });
    expect(detail.status).toBe(200);
    const { persona } = (await detail.json()) as { persona: PersonaDetail };
    expect(Object.keys(persona).sort()).toEqual(DETAIL_KEYS);
    expect(persona).toMatchObject({ allowed_tools: ['kb_*'], default_model: 'openai/gpt-4o-mini', visibility: 'private' });
  });

  it('answers 409 for a name the caller already has (case-insensitive) and 422 for invalid bodies', async () => {
    await createAs(alice);
    const dup = await t.call('POST', '/api/v1/chat/personas', { user: alice, json: { ...pirate, name: 'PIRATE' } });
    expect(dup.status).toBe(409);
    expect(await dup.json()).toEqual({ detail: 'A persona named "PIRATE" already exists' });

    const cases: [Record<string, unknown>, (string | number)[]][] = [
      [{ description: 'd', system_prompt: 's' }, ['body', 'name']],
      [{ ...pirate, name: 'x'.repeat(101) }, ['body', 'name']],
      [{ ...pirate, name: '  ' }, ['body', 'name']],
      [{ name: 'NoPrompt', description: 'd' }, ['body', 'system_prompt']],
      [{ ...pirate, name: 'Tools', allowed_tools: 'kb_*' }, ['body', 'allowed_tools']],
    ];
    for (const [json, loc] of cases) {
      const res = await t.call('POST', '/api/v1/chat/personas', { user: alice, json });
      expect(res.status, JSON.stringify(json)).toBe(422);
      const { detail } = (await res.json()) as { detail: { type: string; loc: unknown[] }[] };
      expect(detail[0]!.loc).toEqual(loc);
    }
    const missing = await t.call('POST', '/api/v1/chat/personas', { user: alice, json: { description: 'd', system_prompt: 's' } });
    expect(((await missing.json()) as { detail: { type: string; msg: string }[] }).detail[0]).toMatchObject({ type: 'missing', msg: 'Field required' });
    expect((await t.call('POST', '/api/v1/chat/personas', { user: alice, json: { ...pirate, name: 'x'.repeat(100) } })).status).toBe(200);
  });

  it('GET by id: 404 for unknown and non-UUID ids; inactive personas are still readable', async () => {
    for (const id of [crypto.randomUUID(), 'nope']) {
      const res = await t.call('GET', `/api/v1/chat/personas/${id}`, { user: alice });
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ detail: 'Persona not found' });
    }
    const mu = (await getPersonaByName(t.store, 'Mu', null))!;
    await updatePersona(t.store, mu.id, { isActive: false });
    const res = await t.call('GET', `/api/v1/chat/personas/${mu.id}`, { user: alice });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { persona: PersonaDetail }).persona).toMatchObject({ name: 'Mu', is_active: false, allowed_tools: null });
  });

  it('PUT: the owner or an admin may change a persona, others do not see it (404); seeded ones only admins', async () => {
    const created = await createAs(alice);
    const path = `/api/v1/chat/personas/${created.id}`;
    const update = { description: 'Yo ho', allowed_tools: [], default_model: 'anthropic/claude-haiku', is_active: false };

    const byBob = await t.call('PUT', path, { user: bob, json: update });
    expect(byBob.status).toBe(404);

    const byAlice = await t.call('PUT', path, { user: alice, json: update });
    expect(byAlice.status).toBe(200);
    const body = (await byAlice.json()) as { success: boolean; message: string; persona: PersonaDetail };
    expect(body).toMatchObject({ success: true, message: 'Persona updated successfully' });
    expect(Object.keys(body.persona).sort()).toEqual(DETAIL_KEYS);
    expect(body.persona).toMatchObject({
      name: 'Pirate',
      description: 'Yo ho',
      allowed_tools: [],
      default_model: 'anthropic/claude-haiku',
      is_active: false,
    });

    const byAdmin = await t.call('PUT', path, { user: admin, roles: ['admin'], json: { allowed_tools: null, default_model: null } });
    expect(byAdmin.status).toBe(200);
    expect(((await byAdmin.json()) as { persona: PersonaDetail }).persona).toMatchObject({ allowed_tools: null, default_model: null });

    const mu = (await getPersonaByName(t.store, 'Mu', null))!;
    const seededByUser = await t.call('PUT', `/api/v1/chat/personas/${mu.id}`, { user: alice, json: { description: 'hacked' } });
    expect(seededByUser.status).toBe(403);
    const seededByAdmin = await t.call('PUT', `/api/v1/chat/personas/${mu.id}`, { user: admin, roles: ['admin'], json: { description: 'Still Mu' } });
    expect(seededByAdmin.status).toBe(200);

    await createAs(alice, { ...pirate, name: 'Parrot' });
    const rename = await t.call('PUT', path, { user: alice, json: { name: 'parrot' } });
    expect(rename.status).toBe(409);
    expect(await rename.json()).toEqual({ detail: 'A persona named "parrot" already exists' });
    const unknown = await t.call('PUT', `/api/v1/chat/personas/${crypto.randomUUID()}`, { user: admin, roles: ['admin'], json: {} });
    expect(unknown.status).toBe(404);
    const invalid = await t.call('PUT', path, { user: alice, json: { is_active: 'yes' } });
    expect(invalid.status).toBe(422);
  });

  it('DELETE: 204 for the owner or an admin; a seeded persona is only deactivated, and only by an admin', async () => {
    const created = await createAs(alice);
    const path = `/api/v1/chat/personas/${created.id}`;
    expect((await t.call('DELETE', path, { user: bob })).status).toBe(404);
    const res = await t.call('DELETE', path, { user: alice });
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
    expect((await t.call('GET', path, { user: alice })).status).toBe(404);
    expect((await t.call('DELETE', path, { user: alice })).status).toBe(404);

    const other = await createAs(bob, { ...pirate, name: 'Other' });
    expect((await t.call('DELETE', `/api/v1/chat/personas/${other.id}`, { user: admin, roles: ['admin'] })).status).toBe(204);

    const mu = (await getPersonaByName(t.store, 'Mu', null))!;
    expect((await t.call('DELETE', `/api/v1/chat/personas/${mu.id}`, { user: alice })).status).toBe(403);
    expect((await t.call('DELETE', `/api/v1/chat/personas/${mu.id}`, { user: admin, roles: ['admin'] })).status).toBe(204);
    const after = await t.call('GET', `/api/v1/chat/personas/${mu.id}`, { user: alice });
    expect(((await after.json()) as { persona: PersonaDetail }).persona.is_active).toBe(false);
    expect((await list()).personas.map((p) => p.name)).not.toContain('Mu');
  });

  it('needs chat:read to read, chat:write to create or change, chat:delete to delete', async () => {
    const created = await createAs(alice);
    const calls = [
      ['GET', '/api/v1/chat/personas', undefined],
      ['POST', '/api/v1/chat/personas', { ...pirate, name: 'Nope' }],
      ['GET', `/api/v1/chat/personas/${created.id}`, undefined],
      ['PUT', `/api/v1/chat/personas/${created.id}`, { description: 'x' }],
      ['DELETE', `/api/v1/chat/personas/${created.id}`, undefined],
    ] as const;
    for (const [method, path, json] of calls) {
      const res = await t.call(method, path, { user: alice, roles: ['kb_viewer'], json });
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(await res.json()).toEqual(FORBIDDEN);
    }
    expect((await t.call('GET', '/api/v1/chat/personas', { user: alice, roles: ['viewer'] })).status).toBe(200);
    expect((await t.call('POST', '/api/v1/chat/personas', { user: alice, roles: ['viewer'], json: { ...pirate, name: 'V' } })).status).toBe(403);
  });
});
