import type { Context } from 'hono';
import type { WebDeps } from '../../deps.ts';
import { errorMessage } from '../../gateway/error-message.ts';
import { type AssetBudget, AssetBudgetSchema, type AssetJob, AssetJobPageSchema, AssetJobSchema, readJson } from '../../gateway/schemas.ts';
import { callAsUser } from '../../session/call-as-user.ts';
import type { SignedInEnv } from '../../session/require-session.ts';
import type { Sessions } from '../../session/sessions.ts';

/** Jobs shown per gallery page. */
export const GALLERY_PAGE = 24;

/** A cursor as the jobs API hands it out (base64 of a timestamp and an id); anything else starts from the newest. */
const CURSOR = /^[A-Za-z0-9+/]{1,200}$/;

export interface Gallery {
  jobs: AssetJob[];
  nextCursor: string | null;
  budget: AssetBudget | null;
  error?: string;
}

/** Whether the request came from htmx (it wants a fragment, not a page). */
export const isHtmx = (c: Context) => c.req.header('hx-request') === 'true';

/**
 * One page of the user's jobs and their budgets, as the gallery shows them. A job whose asset was deleted is left
 * out; a failure of the gateway becomes `error` (the page still renders).
 */
export async function loadGallery(deps: WebDeps, sessions: Sessions, c: Context<SignedInEnv>, cursor?: string): Promise<Gallery> {
  const query = new URLSearchParams({ limit: String(GALLERY_PAGE) });
  if (cursor && CURSOR.test(cursor)) query.set('cursor', cursor);
  const [list, budgetRes] = await Promise.all([
    callAsUser(deps, sessions, c, { path: `/api/v1/assets/jobs?${query}` }),
    callAsUser(deps, sessions, c, { path: '/api/v1/assets/budget' }),
  ]);
  const budget = budgetRes.ok ? await readJson(budgetRes, AssetBudgetSchema) : null;
  if (!budgetRes.ok) await budgetRes.body?.cancel();
  if (!list.ok) return { jobs: [], nextCursor: null, budget, error: await errorMessage(list) };
  const page = await readJson(list, AssetJobPageSchema);
  if (!page) return { jobs: [], nextCursor: null, budget, error: 'The asset service answered an unreadable list.' };
  const shown = page.jobs.filter((job) => !(job.asset_id && !job.asset));
  return { jobs: shown, nextCursor: page.next_cursor, budget };
}

/** The user's job `id`: `null` when it does not exist or is not theirs, the reason (a string) when the gateway failed. */
export async function loadJob(deps: WebDeps, sessions: Sessions, c: Context<SignedInEnv>, id: string): Promise<AssetJob | null | string> {
  const res = await callAsUser(deps, sessions, c, { path: `/api/v1/assets/jobs/${encodeURIComponent(id)}` });
  if (res.status === 404) return null;
  if (!res.ok) return errorMessage(res);
  return (await readJson(res, AssetJobSchema)) ?? 'The asset service answered an unreadable job.';
}
