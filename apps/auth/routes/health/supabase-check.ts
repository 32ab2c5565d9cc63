import { supabaseJwksUrl } from '../../../../lib/auth/supabase.ts';
import type { Logger } from '../../../../lib/logging/logger.ts';
import { withDeadline } from '../../../../lib/readiness/deadline.ts';
import type { SupabaseSettings } from '../../deps.ts';
import { CHECK_TIMEOUT_MS, type CheckResult, logCheckFailure, problem, reason, secondsSince } from './check.ts';

/** What a failing answer from Supabase means for the operator. */
function refusal(status: number): string {
  if (status === 401 || status === 403) return `Supabase answered ${status}: it refused the anon key (check SUPABASE_ANON_KEY)`;
  return `Supabase answered ${status}`;
}

/**
 * The `supabase` check (present when Supabase is configured): with an anon key, Supabase Auth's `/auth/v1/health`
 * (which also proves the key is accepted); with only a URL, its JWKS (what token verification needs). A failure is an
 * error when Supabase is the identity backend, a warning when it only verifies tokens. With only a JWT secret there
 * is nothing to call: `url` and `responsive` are null.
 * @example const check = await checkSupabase(settings.supabase, logger); // { status: 'healthy', service: 'supabase', url, responsive: true, response_time: 0.05 }
 */
export async function checkSupabase(settings: SupabaseSettings, logger: Logger, timeoutMs = CHECK_TIMEOUT_MS): Promise<CheckResult> {
  const { url, anonKey } = settings;
  if (!url) return { status: 'healthy', service: 'supabase', url: null, responsive: null };
  const failing = settings.backend ? ('error' as const) : ('warning' as const);
  const target = anonKey ? `${url}/auth/v1/health` : supabaseJwksUrl(url);
  const start = performance.now();
  try {
    const res = await withDeadline(timeoutMs, (signal) => fetch(target, { headers: anonKey ? { apikey: anonKey } : {}, signal }));
    await res.body?.cancel();
    const timing = { response_time: secondsSince(start) };
    if (res.ok) return { status: 'healthy', service: 'supabase', url, responsive: true, ...timing };
    return { ...problem(failing, refusal(res.status)), service: 'supabase', url, responsive: true, ...timing };
  } catch (err) {
    logCheckFailure(logger, 'supabase', err);
    const cause = err instanceof Error && err.cause instanceof Error ? `: ${reason(err.cause)}` : '';
    return { ...problem(failing, `unreachable: ${reason(err)}${cause}`), service: 'supabase', url, responsive: false };
  }
}
