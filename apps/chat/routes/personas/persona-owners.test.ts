import { beforeEach, describe, expect, it } from 'vitest';
import { dbBackends } from '../../../../lib/testing/db.ts';
import { getPersonaByName, seedPersonas } from '../../store/personas.ts';
import { useGaiaTestApp } from '../conversations/gaia-test-app.ts';
import type { GaiaPersona, PersonaDetail } from './schemas.ts';

const NOT_FOUND = { detail: 'Persona not found' };

/** Personas have owners: a user's are that user's (and the admins'); seeded ones are public; names are per owner. */
describe.each(dbBackends())('persona owners on $name', ({ create }) => {
  const t = useGaiaTestApp(create);
  const alice = crypto.randomUUID();
  const bob = crypto.randomUUID();
  const admin = crypto.randomUUID();
  const asAdmin = { user: admin, roles: ['admin' as const] };

  beforeEach(async () => {
    await seedPersonas(t.store);
  });

  const secret = { name: 'Pirate', description: 'Arr', system_prompt: 'The secret word is tangerine.' };
  const createAs = async (user: string, json: Record<string, unknown> = secret): Promise<GaiaPersona> => {
    const res = await t.call('POST', '/api/v1/chat/personas', { user, json });
    expect(res.status, await res.clone().text()).toBe(200);
    return ((await res.json()) as { persona: GaiaPersona }).persona;
  };
  const listAs = async (options: { user: string; roles?: ('admin' | 'user')[] }, query = '?active_only=false') => {
    const res = await t.call('GET', `/api/v1/chat/personas${query}`, options);
    expect(res.status).toBe(200);
    return ((await res.json()) as { total: number; personas: GaiaPersona[] }).personas;
  };

  it("hides a user's persona from other users: list, get, update and delete answer as for an unknown persona", async () => {
    const mine = await createAs(alice);
    const path = `/api/v1/chat/personas/${mine.id}`;
    const unknown = `/api/v1/chat/personas/${crypto.randomUUID()}`;

    const bobSees = await listAs({ user: bob });
    expect(bobSees.map((p) => p.id)).not.toContain(mine.id);
    expect(JSON.stringify(bobSees)).not.toContain('tangerine');
    expect(bobSees.map((p) => p.name).sort()).toEqual(['Mu', 'Plain', 'Researcher']);
    expect((await listAs({ user: alice })).map((p) => p.id)).toContain(mine.id);

    for (const [method, json] of [['GET', undefined], ['PUT', { system_prompt: 'hijacked' }], ['DELETE', undefined]] as const) {
      const foreign = await t.call(method, path, { user: bob, json });
      const missing = await t.call(method, unknown, { user: bob, json });
      expect([foreign.status, await foreign.json()], method).toEqual([404, NOT_FOUND]);
      expect([missing.status, await missing.json()], method).toEqual([404, NOT_FOUND]);
    }
    const still = await t.call('GET', path, { user: alice });
    expect(((await still.json()) as { persona: PersonaDetail }).persona).toMatchObject({ system_prompt: 'The secret word is tangerine.', visibility: 'private' });
  });

  it('lets admins see, change and delete every persona; the seeded ones only admins may change or delete', async () => {
    const mine = await createAs(alice);
    expect((await listAs(asAdmin)).map((p) => p.id)).toContain(mine.id);
    const read = await t.call('GET', `/api/v1/chat/personas/${mine.id}`, asAdmin);
    expect(read.status).toBe(200);
    const changed = await t.call('PUT', `/api/v1/chat/personas/${mine.id}`, { ...asAdmin, json: { description: 'Moderated' } });
    expect(changed.status).toBe(200);

    const mu = (await getPersonaByName(t.store, 'Mu', null))!;
    expect((await t.call('PUT', `/api/v1/chat/personas/${mu.id}`, { user: alice, json: { system_prompt: 'x' } })).status).toBe(403);
    expect((await t.call('DELETE', `/api/v1/chat/personas/${mu.id}`, { user: alice })).status).toBe(403);
    expect((await t.call('GET', `/api/v1/chat/personas/${mu.id}`, { user: bob })).status).toBe(200);
    expect((await t.call('PUT', `/api/v1/chat/personas/${mu.id}`, { ...asAdmin, json: { description: 'Still Mu' } })).status).toBe(200);

    expect((await t.call('DELETE', `/api/v1/chat/personas/${mine.id}`, asAdmin)).status).toBe(204);
    expect((await t.call('GET', `/api/v1/chat/personas/${mine.id}`, { user: alice })).status).toBe(404);
  });

  it('keeps names unique per owner: two users may both have a Pirate, one user cannot have two (409)', async () => {
    const alices = await createAs(alice);
    const bobs = await createAs(bob, { ...secret, system_prompt: 'Bob’s pirate.' });
    expect(bobs.id).not.toBe(alices.id);
    expect(bobs.created_by).toBe(bob);

    const dup = await t.call('POST', '/api/v1/chat/personas', { user: alice, json: { ...secret, name: 'PIRATE' } });
    expect([dup.status, await dup.json()]).toEqual([409, { detail: 'A persona named "PIRATE" already exists' }]);
    const other = await createAs(alice, { ...secret, name: 'Parrot' });
    const rename = await t.call('PUT', `/api/v1/chat/personas/${other.id}`, { user: alice, json: { name: 'pirate' } });
    expect([rename.status, await rename.json()]).toEqual([409, { detail: 'A persona named "pirate" already exists' }]);
    // A private name never blocks (or squats) a name for anyone else, the seeded ones included.
    await createAs(bob, { ...secret, name: 'Mu', system_prompt: 'My own Mu.' });
    await createAs(alice, { ...secret, name: 'Parrot2' });
  });

  it('shares a persona only when an admin makes it public; public personas are managed by admins', async () => {
    const denied = await t.call('POST', '/api/v1/chat/personas', { user: alice, json: { ...secret, name: 'Guide', visibility: 'public' } });
    expect([denied.status, await denied.json()]).toEqual([403, { detail: 'Not enough permissions' }]);
    const mine = await createAs(alice, { ...secret, name: 'Guide' });
    const selfShare = await t.call('PUT', `/api/v1/chat/personas/${mine.id}`, { user: alice, json: { visibility: 'public' } });
    expect(selfShare.status).toBe(403);

    const shared = await t.call('PUT', `/api/v1/chat/personas/${mine.id}`, { ...asAdmin, json: { visibility: 'public' } });
    expect(shared.status).toBe(200);
    expect((await listAs({ user: bob })).map((p) => p.id)).toContain(mine.id);
    expect((await t.call('PUT', `/api/v1/chat/personas/${mine.id}`, { user: alice, json: { system_prompt: 'Now for everyone: obey me.' } })).status).toBe(403);

    const official = await t.call('POST', '/api/v1/chat/personas', { ...asAdmin, json: { ...secret, name: 'Guide', visibility: 'public' } });
    expect([official.status, await official.json()]).toEqual([409, { detail: 'A persona named "Guide" already exists' }]);
    const mu = (await getPersonaByName(t.store, 'Mu', null))!;
    const hideMu = await t.call('PUT', `/api/v1/chat/personas/${mu.id}`, { ...asAdmin, json: { visibility: 'private' } });
    expect([hideMu.status, await hideMu.json()]).toEqual([400, { detail: 'A persona without an owner stays public' }]);
  });
});
