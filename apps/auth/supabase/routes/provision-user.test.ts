import type { OpenAPIHono } from '@hono/zod-openapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INTERNAL_TOKEN_HEADER, signInternalToken } from '../../../../lib/auth/internal-token.ts';
import { generateSigningKey, type SigningKey } from '../../../../lib/auth/signing-keys.ts';
import type { Principal } from '../../../../lib/auth/types.ts';
import type { AppEnv } from '../../../../lib/http/env.ts';
import { dbBackends } from '../../../../lib/testing/db.ts';
import { createApp } from '../../app.ts';
import { createIdentityTestbed, type IdentityTestbed, postJson, testAuthSettings, uniqueEmail } from '../../testing.ts';
import { findUserById } from '../../users/find-user.ts';
import { grantRole } from '../../users/roles.ts';
import type { ProvisionedUser, ProvisionUserBody } from './provision-user.ts';

const PATH = '/internal/users/provision';
const gateway: Principal = { userId: 'gateway', email: null, roles: [], authType: 'service' };

describe.each(dbBackends())('POST /internal/users/provision on $name', ({ create }) => {
  let bed: IdentityTestbed;
  let app: OpenAPIHono<AppEnv>;
  let gatewayKey: SigningKey;
  const as = async (principal: Principal) => ({
    [INTERNAL_TOKEN_HEADER]: await signInternalToken(gatewayKey, principal, { audience: 'auth' }),
  });
  const provision = async (body: unknown, principal: Principal | null = gateway) => {
    const res = await app.request(PATH, postJson(body, principal ? await as(principal) : {}));
    return { status: res.status, body: (await res.json()) as ProvisionedUser & { error?: { code: string; message: string } } };
  };
  const count = async (id: string) => {
    const rows = await bed.runtime.db.query<{ n: number | string }>('select count(*) as n from auth.users where id = $1', [id]);
    return Number(rows[0]!.n);
  };

  beforeAll(async () => {
    gatewayKey = await generateSigningKey('gw-test');
    const settings = testAuthSettings({ internalPublicKeys: [gatewayKey.publicJwk] });
    bed = await createIdentityTestbed({ db: await create(), overrides: { settings } });
    app = createApp(bed.deps);
  });
  afterAll(() => bed?.close());

  it('answers 401 without a principal and 403 for a user principal', async () => {
    const body: ProvisionUserBody = { id: crypto.randomUUID(), email: uniqueEmail() };
    const anonymous = await provision(body, null);
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error?.code).toBe('UNAUTHENTICATED');
    const user = await provision(body, { userId: crypto.randomUUID(), email: uniqueEmail(), roles: ['admin'], authType: 'jwt' });
    expect(user.status).toBe(403);
    expect(user.body.error?.code).toBe('FORBIDDEN');
    expect(await count(body.id)).toBe(0);
  });

  it('provisions the user for a service and answers its principal, idempotently', async () => {
    const id = crypto.randomUUID();
    const email = uniqueEmail('SUPA');
    const first = await provision({ id, email, provider: 'supabase' });
    expect(first).toEqual({
      status: 200,
      body: { principal: { userId: id, email: email.toLowerCase(), roles: ['user'], authType: 'supabase_jwt' } },
    });
    expect(await findUserById(bed.runtime.db, id)).toMatchObject({ provider: 'supabase', passwordHash: null });
    await grantRole(bed.runtime.db, id, 'kb_editor');
    expect((await provision({ id, email })).body.principal.roles).toEqual(['user', 'kb_editor']);
    expect(await count(id)).toBe(1);
  });

  it('creates one user when provisioning races', async () => {
    const id = crypto.randomUUID();
    const email = uniqueEmail('race');
    const results = await Promise.all(Array.from({ length: 6 }, () => provision({ id, email })));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(new Set(results.map((r) => r.body.principal.userId))).toEqual(new Set([id]));
    expect(await count(id)).toBe(1);
  });

  it('accepts an identity without an email', async () => {
    const id = crypto.randomUUID();
    for (const body of [{ id }, { id, email: null }]) {
      expect((await provision(body)).body.principal).toEqual({ userId: id, email: null, roles: ['user'], authType: 'supabase_jwt' });
    }
  });

  it('answers 409 when the email belongs to another user, 400 for a malformed body', async () => {
    const email = uniqueEmail('taken');
    expect((await provision({ id: crypto.randomUUID(), email })).status).toBe(200);
    const conflict = await provision({ id: crypto.randomUUID(), email });
    expect(conflict.status).toBe(409);
    expect(conflict.body.error?.code).toBe('CONFLICT');
    for (const body of [{}, { id: 'not-a-uuid' }, { id: crypto.randomUUID(), email: 'nope' }, { id: crypto.randomUUID(), provider: 'github' }]) {
      const res = await provision(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error?.code).toBe('VALIDATION_FAILED');
    }
  });

  it('is documented in the OpenAPI document', async () => {
    const doc = (await (await app.request('/openapi.json')).json()) as { paths: Record<string, { post?: { operationId?: string } }> };
    expect(doc.paths[PATH]?.post?.operationId).toBe('provisionUser');
  });
});
