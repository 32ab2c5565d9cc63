import { can } from '../../../../lib/auth/rbac.ts';
import type { Principal } from '../../../../lib/auth/types.ts';
import { GaiaError } from '../../../../lib/gaia/errors.ts';
import { PersonaConflictError } from '../../store/personas.ts';
import type { Persona } from '../../store/types.ts';

/**
 * Only the persona's creator or a `chat:admin` may change or delete it; seeded personas only a `chat:admin`.
 * Otherwise 403 `{"detail":"Not enough permissions"}`.
 * @example assertMayManage(principal, persona);
 */
export function assertMayManage(principal: Principal, persona: Persona): void {
  if (can(principal, 'chat:admin')) return;
  if (!persona.seeded && persona.createdBy !== null && persona.createdBy === principal.userId) return;
  throw new GaiaError(403, 'Not enough permissions');
}

/**
 * Runs a store write, turning a taken name into GAIA's 409 `{"detail":"A persona named \"…\" already exists"}`.
 * @example const persona = await withNameConflicts(() => createPersona(store, input, userId));
 */
export async function withNameConflicts<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (err instanceof PersonaConflictError) throw new GaiaError(409, err.message);
    throw err;
  }
}
