import { z } from '@hono/zod-openapi';
import { ROLES } from '../../../../lib/auth/types.ts';
import { TEAM_ROLES } from '../teams.ts';

export const RoleSchema = z.enum(ROLES).openapi('Role');

export const ApiKeySchema = z
  .object({
    id: z.uuid(),
    user_id: z.uuid(),
    name: z.string(),
    prefix: z.string().openapi({ description: 'Start of the key, to recognise it', example: 'gaia_live_ab12' }),
    roles: z.array(RoleSchema).nullable().openapi({ description: "The key's scopes; null = all of the owner's roles" }),
    status: z.enum(['active', 'expired', 'rotating']),
    expires_at: z.string().nullable(),
    last_used_at: z.string().nullable().openapi({ description: 'Updated in batches, so up to a minute late' }),
    created_at: z.string(),
    rotated_from: z.uuid().nullable(),
    grace_until: z.string().nullable().openapi({ description: 'A rotated key is accepted until then' }),
  })
  .openapi('ApiKey');

export const CreatedApiKeySchema = ApiKeySchema.extend({
  key: z.string().openapi({ description: 'The secret key. Shown only in this response: store it now.' }),
}).openapi('CreatedApiKey');

export const PrincipalSchema = z
  .object({
    userId: z.string(),
    email: z.string().nullable(),
    roles: z.array(RoleSchema),
    authType: z.enum(['jwt', 'supabase_jwt', 'api_key', 'service', 'anonymous']),
    keyId: z.string().optional(),
  })
  .openapi('Principal');

export const TeamRoleSchema = z.enum(TEAM_ROLES).openapi('TeamRole');

export const MembershipSchema = z.object({ id: z.uuid(), name: z.string(), role: TeamRoleSchema }).openapi('Membership');

export const TeamMemberSchema = z.object({ user_id: z.uuid(), email: z.string(), role: TeamRoleSchema }).openapi('TeamMember');

export const TeamSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    created_at: z.string(),
    role: TeamRoleSchema.nullable().openapi({ description: "The caller's role; null for an admin outside the team" }),
    members: z.array(TeamMemberSchema),
  })
  .openapi('Team');

export const UserAccessSchema = z
  .object({
    id: z.uuid(),
    email: z.string(),
    roles: z.array(RoleSchema),
    created_at: z.string(),
    teams: z.array(MembershipSchema),
  })
  .openapi('UserAccess');

export { json, jsonBody } from '../../../../lib/openapi/json.ts';

/** Any 8-4-4-4-12 hex id (what PostgreSQL's uuid accepts), so a malformed id is a 400, never a database error. */
export const idParam = (name: string, description: string) =>
  z.guid().openapi({ param: { name, in: 'path' }, description });
