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
import { grantRoleInDb } from '../../testing.ts';
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

  const ISSUER = 'https://project.supabase.co/auth/v1';
  const identity = (subject: string = crypto.randomUUID(), email: string | null = uniqueEmail()): ProvisionUserBody => ({ issuer: ISSUER, subject, email });

  it('answers 401 without a principal and 403 for a user principal', async () => {
    const body = identity();
    const anonymous = await provision(body, null);
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error?.code).toBe('UNAUTHENTICATED');
    const user = await provision(body, { userId: crypto.randomUUID(), email: uniqueEmail(), roles: ['admin'], authType: 'jwt' });
    expect(user.status).toBe(403);
    expect(user.body.error?.code).toBe('FORBIDDEN');
    expect(await count(body.subject)).toBe(0);
  });

  it('provisions the user for a service and answers its principal and token version, idempotently', async () => {
    const id = crypto.randomUUID();
    const email = uniqueEmail('SUPA');
    const first = await provision({ ...identity(id, email), provider: 'supabase' });
    expect(first).toEqual({
      status: 200,
      body: { principal: { userId: id, email: email.toLowerCase(), roles: ['user'], authType: 'supabase_jwt' }, tokenVersion: 0 },
    });
    expect(await findUserById(bed.runtime.db, id)).toMatchObject({ provider: 'supabase', passwordHash: null });
    await grantRoleInDb(bed.runtime.db, id, 'kb_editor');
    expect((await provision(identity(id, email))).body.principal.roles).toEqual(['user', 'kb_editor']);
    expect(await count(id)).toBe(1);
  });

  it('creates one user when provisioning races', async () => {
    const body = identity(crypto.randomUUID(), uniqueEmail('race'));
    const results = await Promise.all(Array.from({ length: 6 }, () => provision(body)));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(new Set(results.map((r) => r.body.principal.userId))).toEqual(new Set([body.subject]));
    expect(await count(body.subject)).toBe(1);
  });

  it('accepts an identity without an email', async () => {
    const subject = crypto.randomUUID();
    for (const body of [{ issuer: ISSUER, subject }, identity(subject, null)]) {
      expect((await provision(body)).body.principal).toEqual({ userId: subject, email: null, roles: ['user'], authType: 'supabase_jwt' });
    }
  });

  it('keys identities by issuer and subject: a shared email makes two users, never a merge or a refusal', async () => {
    const email = uniqueEmail('shared');
    const first = await provision(identity(crypto.randomUUID(), email));
    const second = await provision(identity(crypto.randomUUID(), email));
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(second.body.principal.userId).not.toBe(first.body.principal.userId);
    expect(second.body.principal.email).toBe(email.toLowerCase());
    // The same subject from another issuer is another identity; a subject that is not a UUID gets an id of ours.
    const subject = crypto.randomUUID();
    const here = await provision(identity(subject, email));
    const elsewhere = await provision({ issuer: 'https://other.supabase.co/auth/v1', subject, email });
    expect(here.body.principal.userId).toBe(subject);
    expect(elsewhere.body.principal.userId).not.toBe(subject);
    const named = await provision(identity('github|4242', email));
    expect(named.status).toBe(200);
    expect((await provision(identity('github|4242', email))).body.principal.userId).toBe(named.body.principal.userId);
  });

  it('answers 400 for a malformed body', async () => {
    const bodies = [{}, { issuer: ISSUER }, { subject: 'x' }, { ...identity(), email: 'nope' }, { ...identity(), provider: 'github' }, { ...identity(), issuer: '' }];
    for (const body of bodies) {
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
