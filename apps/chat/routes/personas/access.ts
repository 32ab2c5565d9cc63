import { can } from '../../../../lib/auth/rbac.ts';
import type { Principal } from '../../../../lib/auth/types.ts';
import { GaiaError } from '../../../../lib/gaia/errors.ts';
import { PersonaConflictError } from '../../store/personas.ts';
import type { Persona, PersonaVisibility } from '../../store/types.ts';

/**
 * Who may change or delete a persona the caller can see: a public one (seeded or shared) only a `chat:admin`, a
 * private one its owner or a `chat:admin`. Otherwise 403 `{"detail":"Not enough permissions"}`.
 * @example assertMayManage(principal, persona);
 */
export function assertMayManage(principal: Principal, persona: Persona): void {
  if (can(principal, 'chat:admin')) return;
  if (persona.visibility === 'private' && persona.createdBy !== null && persona.createdBy === principal.userId) return;
  throw new GaiaError(403, 'Not enough permissions');
}

/**
 * Who may set a visibility: making a persona public (sharing it with everyone) is for a `chat:admin`; a persona
 * without an owner (seeded) stays public (400).
 * @example assertMaySetVisibility(principal, body.visibility, persona);
 */
export function assertMaySetVisibility(principal: Principal, visibility: PersonaVisibility | undefined, persona?: Persona): void {
  if (visibility === 'public' && !can(principal, 'chat:admin')) throw new GaiaError(403, 'Not enough permissions');
  if (visibility === 'private' && persona && persona.createdBy === null) throw new GaiaError(400, 'A persona without an owner stays public');
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
