/** Platform roles (issue: identity and access). */
export const ROLES = ['super_admin', 'admin', 'developer', 'user', 'viewer', 'kb_admin', 'kb_editor', 'kb_viewer'] as const;
export type Role = (typeof ROLES)[number];

/** Whether `value` is one of the platform's roles. */
export const isRole = (value: unknown): value is Role => (ROLES as readonly unknown[]).includes(value);

export const RESOURCES = ['chat', 'kb', 'asset', 'auth', 'admin'] as const;
export type Resource = (typeof RESOURCES)[number];

export const ACTIONS = ['read', 'write', 'delete', 'share', 'admin'] as const;
export type Action = (typeof ACTIONS)[number];

/** `resource:action`, e.g. `kb:write`. */
export type Permission = `${Resource}:${Action}`;

/** How the caller proved who they are; `anonymous` callers reach only public routes. */
export type AuthType = 'jwt' | 'supabase_jwt' | 'api_key' | 'service' | 'anonymous';

/** Who is calling: established by the gateway, carried to services in the signed internal token. */
export interface Principal {
  /** Lowercase UUID of the user (for `service`, the calling service's name; `anonymous` for anonymous callers). */
  userId: string;
  email: string | null;
  roles: Role[];
  authType: AuthType;
  /** The API key's id when authenticated by key. */
  keyId?: string;
}

/** The gateway itself, when it calls the auth service's internal routes (key verification, provisioning). */
export const GATEWAY_SERVICE_PRINCIPAL: Readonly<Principal> = Object.freeze({
  userId: 'gateway',
  email: null,
  roles: [],
  authType: 'service',
});

/** `aud` (and `role`) of every access token the auth service issues to users, as Supabase and GAIA clients expect. */
export const ACCESS_TOKEN_AUDIENCE = 'authenticated';
/** The `typ` header of those tokens (RFC 9068), so no other platform JWT passes as one. */
export const ACCESS_TOKEN_TYPE = 'at+jwt';
