import { can } from '../../../lib/auth/rbac.ts';
import type { Principal } from '../../../lib/auth/types.ts';
import type { Row } from '../../../lib/db/types.ts';
import { isUuid, jsonParam, objectOf, paramList, schemaIdent, sqlState, toDate } from './sql.ts';
import type { ChatStore } from './store.ts';
import type { NewPersona, Persona, PersonaViewer, PersonaVisibility } from './types.ts';

/** The persona used when a request names none (GAIA's default). */
export const DEFAULT_PERSONA = 'Mu';

/**
 * Another persona of the same owner (or, for a public persona, another public one) already has this name; names are
 * compared case-insensitively.
 */
export class PersonaConflictError extends Error {
  constructor(readonly personaName: string) {
    super(`A persona named "${personaName}" already exists`);
    this.name = 'PersonaConflictError';
  }
}

export type PersonaPatch = Partial<NewPersona>;

/** What {@link deletePersona} did: seeded personas are deactivated, others deleted; null when unknown. */
export type PersonaDeletion = 'deleted' | 'deactivated' | null;

interface PersonaRow extends Row {
  id: string;
  name: string;
  description: string;
  system_prompt: string;
  personality_traits: unknown;
  capabilities: unknown;
  allowed_tools: unknown;
  default_model: string | null;
  is_active: boolean;
  created_by: string | null;
  visibility: string;
  seeded: boolean;
  created_at: Date | string;
  updated_at: Date | string;
}

const COLUMNS = `p.id, p.name, p.description, p.system_prompt, p.personality_traits, p.capabilities,
  to_jsonb(p.allowed_tools) as allowed_tools, p.default_model, p.is_active, p.created_by, p.visibility, p.seeded, p.created_at, p.updated_at`;

/** A `text[]` from a JSON-array parameter; SQL null stays null. */
const textArray = (param: string) =>
  `case when ${param}::text is null then null else array(select jsonb_array_elements_text(${param}::text::jsonb)) end`;

function toPersona(row: PersonaRow): Persona {
  const tools = typeof row.allowed_tools === 'string' ? JSON.parse(row.allowed_tools) : row.allowed_tools;
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    systemPrompt: row.system_prompt,
    personalityTraits: objectOf(row.personality_traits),
    capabilities: objectOf(row.capabilities),
    allowedTools: Array.isArray(tools) ? tools.map(String) : null,
    defaultModel: row.default_model,
    isActive: row.is_active,
    createdBy: row.created_by,
    visibility: row.visibility === 'public' ? 'public' : 'private',
    seeded: row.seeded,
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
  };
}

/** The personas every installation starts with; `seedPersonas` adds those missing. */
export const SEED_PERSONAS: readonly NewPersona[] = [
  {
    name: DEFAULT_PERSONA,
    description: 'A cheerful robot companion who is always glad to help',
    systemPrompt:
      'You are Mu, a cheerful robot companion. You are upbeat, warm and curious, and you love helping people. ' +
      'Keep your answers clear and friendly, use the tools you have when they help, and say so honestly when you do not know something.',
    personalityTraits: { cheerful: true, helpful: true },
    capabilities: {},
    allowedTools: null,
  },
  {
    name: 'Researcher',
    description: 'Answers from the knowledge base and cites its sources',
    systemPrompt:
      'You are Researcher. Answer questions from the knowledge base: search it with your tools before answering, ' +
      'base your answer on what you found, and cite the documents you used by their path. ' +
      'When the knowledge base does not cover the question, say so instead of guessing.',
    personalityTraits: { precise: true, thorough: true },
    capabilities: { knowledgeBase: true },
    allowedTools: ['kb_*'],
  },
  {
    name: 'Plain',
    description: 'A plain assistant without tools',
    systemPrompt: 'You are a helpful assistant. Answer clearly and concisely.',
    personalityTraits: {},
    capabilities: {},
    allowedTools: [],
  },
];

/**
 * The persona viewer a caller is: admins (`chat:admin`) see every persona.
 * @example const personas = await listPersonas(store, { activeOnly: true, viewer: personaViewer(principal) });
 */
export function personaViewer(principal: Principal): PersonaViewer {
  return { userId: principal.userId, admin: can(principal, 'chat:admin') };
}

/**
 * Whether `viewer` may see `persona`: a public one everyone may, a private one its owner and admins.
 * @example if (!persona || !personaVisibleTo(persona, viewer)) throw personaNotFound();
 */
export function personaVisibleTo(persona: Persona, viewer: PersonaViewer): boolean {
  return persona.visibility === 'public' || viewer.admin || (persona.createdBy !== null && persona.createdBy === viewer.userId);
}

/**
 * The personas `viewer` may see (public ones, their own; admins every one), seeded first, then by creation; with
 * `activeOnly`, only the active ones.
 * @example const personas = await listPersonas(store, { activeOnly: query.active_only, viewer });
 */
export async function listPersonas(store: ChatStore, options: { activeOnly: boolean; viewer: PersonaViewer }): Promise<Persona[]> {
  const rows = await store.db.query<PersonaRow>(
    `select ${COLUMNS} from ${schemaIdent(store.schema)}.personas p
      where ($1::boolean = false or p.is_active)
        and ($2::boolean or p.visibility = 'public' or p.created_by = $3::text)
      order by p.seeded desc, p.created_at, p.name_key, p.id`,
    [options.activeOnly, options.viewer.admin, options.viewer.userId],
  );
  return rows.map(toPersona);
}

/**
 * A persona by id, whoever owns it; null when unknown (also for ids that are not UUIDs). Anything answering a user
 * checks {@link personaVisibleTo} (or uses {@link getVisiblePersona}).
 * @example const persona = await getPersona(store, conversation.personaId);
 */
export async function getPersona(store: ChatStore, id: string): Promise<Persona | null> {
  if (!isUuid(id)) return null;
  const [row] = await store.db.query<PersonaRow>(`select ${COLUMNS} from ${schemaIdent(store.schema)}.personas p where p.id = $1`, [id.toLowerCase()]);
  return row ? toPersona(row) : null;
}

/**
 * A persona by id if `viewer` may see it; null otherwise, exactly as for an unknown id.
 * @example const persona = await getVisiblePersona(store, id, viewer); if (!persona) throw personaNotFound();
 */
export async function getVisiblePersona(store: ChatStore, id: string, viewer: PersonaViewer): Promise<Persona | null> {
  const persona = await getPersona(store, id);
  return persona && personaVisibleTo(persona, viewer) ? persona : null;
}

/**
 * A persona by name, case-insensitively: `ownerId`'s own one when they have one of that name, else the public one;
 * null when neither exists (another user's private persona is never found). `ownerId` null: public ones only.
 * @example const mu = await getPersonaByName(store, DEFAULT_PERSONA, null);
 */
export async function getPersonaByName(store: ChatStore, name: string, ownerId: string | null): Promise<Persona | null> {
  const [row] = await store.db.query<PersonaRow>(
    `select ${COLUMNS} from ${schemaIdent(store.schema)}.personas p
      where p.name_key = lower($1)
        and (p.visibility = 'public' or (p.visibility = 'private' and p.created_by = $2::text))
      order by p.visibility = 'private' desc
      limit 1`,
    [name, ownerId],
  );
  return row ? toPersona(row) : null;
}

const defaultVisibility = (createdBy: string | null): PersonaVisibility => (createdBy === null ? 'public' : 'private');

async function insertPersona(
  store: ChatStore,
  input: NewPersona,
  createdBy: string | null,
  seeded: boolean,
): Promise<Persona | null> {
  const [row] = await store.db.query<PersonaRow>(
    `insert into ${schemaIdent(store.schema)}.personas as p
       (name, description, system_prompt, personality_traits, capabilities, allowed_tools, default_model, is_active, created_by, seeded, visibility)
     values ($1, $2, $3, $4::text::jsonb, $5::text::jsonb, ${textArray('$6')}, $7, $8, $9, $10, $11)
     on conflict do nothing
     returning ${COLUMNS}`,
    [
      input.name,
      input.description ?? '',
      input.systemPrompt,
      jsonParam(input.personalityTraits ?? {}),
      jsonParam(input.capabilities ?? {}),
      jsonParam(input.allowedTools ?? null),
      input.defaultModel ?? null,
      input.isActive ?? true,
      createdBy,
      seeded,
      input.visibility ?? defaultVisibility(createdBy),
    ],
  );
  return row ? toPersona(row) : null;
}

/**
 * Creates a persona owned by `createdBy` (private unless `input.visibility` says otherwise; without an owner it is
 * public). Callers validate the name (1..100 characters) and who may make a persona public. Throws
 * {@link PersonaConflictError} when the owner already has a persona of that name, case-insensitively (for a public
 * persona: when a public one has it), also when a concurrent create won the race.
 * @example const persona = await createPersona(store, { name: 'Pirate', systemPrompt: 'Speak like a pirate.' }, userId);
 */
export async function createPersona(store: ChatStore, input: NewPersona, createdBy: string | null): Promise<Persona> {
  const persona = await insertPersona(store, input, createdBy, false);
  if (!persona) throw new PersonaConflictError(input.name);
  return persona;
}

/**
 * Changes the given fields; null when unknown. Throws {@link PersonaConflictError} when renamed (or made public or
 * private) into a name its new scope already has. A persona without an owner cannot become private (the schema's
 * check refuses it: callers say so first).
 * @example await updatePersona(store, id, { isActive: false });
 */
export async function updatePersona(store: ChatStore, id: string, patch: PersonaPatch): Promise<Persona | null> {
  if (!isUuid(id)) return null;
  const params = paramList([id]);
  const sets = ['updated_at = now()'];
  if (patch.name !== undefined) sets.push(`name = ${params.add(patch.name)}`);
  if (patch.description !== undefined) sets.push(`description = ${params.add(patch.description)}`);
  if (patch.systemPrompt !== undefined) sets.push(`system_prompt = ${params.add(patch.systemPrompt)}`);
  if (patch.personalityTraits !== undefined) {
    sets.push(`personality_traits = ${params.add(jsonParam(patch.personalityTraits))}::text::jsonb`);
  }
  if (patch.capabilities !== undefined) sets.push(`capabilities = ${params.add(jsonParam(patch.capabilities))}::text::jsonb`);
  if (patch.allowedTools !== undefined) sets.push(`allowed_tools = ${textArray(params.add(jsonParam(patch.allowedTools)))}`);
  if (patch.defaultModel !== undefined) sets.push(`default_model = ${params.add(patch.defaultModel)}`);
  if (patch.isActive !== undefined) sets.push(`is_active = ${params.add(patch.isActive)}`);
  if (patch.visibility !== undefined) sets.push(`visibility = ${params.add(patch.visibility)}`);
  try {
    const [row] = await store.db.query<PersonaRow>(
      `update ${schemaIdent(store.schema)}.personas p set ${sets.join(', ')} where p.id = $1 returning ${COLUMNS}`,
      params.values,
    );
    return row ? toPersona(row) : null;
  } catch (err) {
    if (sqlState(err) !== '23505') throw err;
    const name = patch.name ?? (await getPersona(store, id))?.name;
    throw name === undefined ? err : new PersonaConflictError(name);
  }
}

/**
 * Deletes a persona created by a user (conversations using it fall back to the default); seeded personas are only
 * deactivated, so seeding never brings them back.
 * @example const outcome = await deletePersona(store, id); if (outcome === null) throw notFound();
 */
export async function deletePersona(store: ChatStore, id: string): Promise<PersonaDeletion> {
  if (!isUuid(id)) return null;
  const s = schemaIdent(store.schema);
  const deleted = await store.db.query(`delete from ${s}.personas where id = $1 and not seeded returning id`, [id]);
  if (deleted.length > 0) return 'deleted';
  const deactivated = await store.db.query(
    `update ${s}.personas set is_active = false, updated_at = now() where id = $1 and seeded returning id`,
    [id],
  );
  return deactivated.length > 0 ? 'deactivated' : null;
}

/**
 * Adds the {@link SEED_PERSONAS} that are missing (by name); idempotent and safe when instances start together.
 * Resolves the names it added.
 * @example await seedPersonas(store); // after migrations
 */
export async function seedPersonas(store: ChatStore): Promise<string[]> {
  const added: string[] = [];
  for (const seed of SEED_PERSONAS) {
    if (await insertPersona(store, seed, null, true)) added.push(seed.name);
  }
  return added;
}
