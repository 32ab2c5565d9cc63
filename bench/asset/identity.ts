import { INTERNAL_TOKEN_HEADER, signInternalToken } from '../../lib/auth/internal-token.ts';
import type { SigningKey } from '../../lib/auth/signing-keys.ts';
import type { Principal } from '../../lib/auth/types.ts';

/** A user registered with the auth service, and the identity header the gateway would forward for them. */
export interface BenchUser {
  principal: Principal;
  /** `{ 'X-Gaia-Identity': <internal token for the asset service> }`, re-signed every 30 s as the gateway does. */
  headers(): Promise<Record<string, string>>;
}

const REUSE_MS = 30_000;

/**
 * Registers `count` users (`asset-bench-<uuid>@example.com`) with the auth service at `authUrl` over HTTP, and plays the
 * gateway's part for them: their identity signed with the internal key (the auth service publishes its public half in
 * its JWKS, which the asset service verifies against), audience `asset`, roles as registered (`user`).
 * @example const [user] = await registerUsers(auth.url, key, 1); await fetch(url, { headers: await user.headers() });
 */
export async function registerUsers(authUrl: string, key: SigningKey, count: number): Promise<BenchUser[]> {
  const users: BenchUser[] = [];
  for (let i = 0; i < count; i++) {
    const res = await fetch(`${authUrl}/api/v1/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: `asset-bench-${crypto.randomUUID()}@example.com`, password: 'a long bench password' }),
    });
    if (!res.ok) throw new Error(`register answered ${res.status}: ${await res.text()}`);
    const { user } = (await res.json()) as { user: { id: string; email: string } };
    const principal: Principal = { userId: user.id, email: user.email, roles: ['user'], authType: 'jwt' };
    let token: { value: string; at: number } | undefined;
    users.push({
      principal,
      async headers() {
        if (!token || Date.now() - token.at > REUSE_MS) token = { value: await signInternalToken(key, principal, { audience: 'asset' }), at: Date.now() };
        return { [INTERNAL_TOKEN_HEADER]: token.value };
      },
    });
  }
  return users;
}
