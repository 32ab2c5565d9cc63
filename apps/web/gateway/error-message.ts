import { z } from 'zod';

/** The error bodies the gateway answers: GAIA's `{"detail": string | [{msg}]}`, v0.3's `{"error": string}`, our envelope. */
const ErrorBodySchema = z.union([
  z.object({ detail: z.string() }).transform((b) => b.detail),
  z.object({ detail: z.array(z.object({ msg: z.string(), loc: z.array(z.union([z.string(), z.number()])).optional() })) }).transform((b) =>
    b.detail.map((d) => (d.loc?.length ? `${d.loc.at(-1)}: ${d.msg}` : d.msg)).join('; '),
  ),
  z.object({ error: z.object({ message: z.string() }) }).transform((b) => b.error.message),
  z.object({ error: z.string() }).transform((b) => b.error),
]);

/**
 * What went wrong, in words for the page, from a failed gateway response.
 * @example if (!res.ok) return renderForm({ error: await errorMessage(res) });
 */
export async function errorMessage(res: Response): Promise<string> {
  if (res.status === 429) return 'Too many attempts. Please wait a minute and try again.';
  const text = await res.text().catch(() => '');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const parsed = ErrorBodySchema.safeParse(body);
  if (parsed.success && parsed.data) return parsed.data;
  return res.status >= 500 ? `The platform could not answer (status ${res.status}). Please try again.` : `Request refused (status ${res.status}).`;
}
