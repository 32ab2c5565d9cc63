import type { Context } from 'hono';
import { z } from 'zod';
import { safeNext } from '../../session/local-path.ts';

/** The sign-in and sign-up forms: an email, a password and where to go afterwards. */
export const CredentialsFormSchema = z.object({
  email: z.string().trim().min(1, 'Please enter your email').max(320, 'That email is too long'),
  password: z.string().min(1, 'Please enter a password').max(1024, 'That password is too long'),
  next: z.string().max(2048).optional(),
});
export type CredentialsForm = z.infer<typeof CredentialsFormSchema>;

/** The posted form, validated: the fields, or the first problem in words. */
export async function readCredentials(c: Context): Promise<{ form: CredentialsForm } | { problem: string; email: string; next: string }> {
  const body = await c.req.parseBody();
  const parsed = CredentialsFormSchema.safeParse(body);
  if (parsed.success) return { form: parsed.data };
  return {
    problem: parsed.error.issues[0]?.message ?? 'Please fill in the form',
    email: typeof body.email === 'string' ? body.email : '',
    next: safeNext(typeof body.next === 'string' ? body.next : undefined),
  };
}
