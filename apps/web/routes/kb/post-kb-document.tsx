import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import type { AppEnv } from '../../../../lib/http/env.ts';
import type { WebDeps } from '../../deps.ts';
import { documentPath } from '../../gateway/call-gateway.ts';
import { errorMessage } from '../../gateway/error-message.ts';
import { callAsUser } from '../../session/call-as-user.ts';
import { requireSession } from '../../session/require-session.ts';
import type { Sessions } from '../../session/sessions.ts';
import { KbPage } from '../../views/kb/kb-page.tsx';
import { documentHref, userFolder } from '../../views/kb/kb-paths.ts';

const EXTENSION = /\.(md|markdown|mdx|txt)$/i;

/** The write form: a path inside the user's folder (`.md` is added when it has no document extension) and the text. */
export const KbWriteFormSchema = z.object({
  name: z
    .string()
    .trim()
    .min(1, 'Please name the document')
    .max(400, 'That path is too long')
    .refine((name) => !name.startsWith('/') && !name.split('/').some((s) => s === '..' || s === '.' || s === ''), {
      message: 'Use a relative path inside your folder, like notes/ideas.md',
    })
    .transform((name) => (EXTENSION.test(name) ? name : `${name}.md`)),
  content: z.string().max(1_000_000, 'That document is too large'),
});

/** `POST /kb/doc`: writes the document into `users/<id>/` through the gateway, then shows it. */
export function registerPostKbDocument(app: OpenAPIHono<AppEnv>, deps: WebDeps, sessions: Sessions): void {
  app.post('/kb/doc', requireSession(sessions), async (c) => {
    const { user } = c.get('session');
    const folder = userFolder(user.id);
    const body = await c.req.parseBody();
    const draft = { name: typeof body.name === 'string' ? body.name : '', content: typeof body.content === 'string' ? body.content : '' };
    const refuse = (error: string, status: 400 | 502) => c.html(<KbPage user={user} folder={folder} draft={{ ...draft, error }} />, status);

    const parsed = KbWriteFormSchema.safeParse(body);
    if (!parsed.success) return refuse(parsed.error.issues[0]?.message ?? 'Please fill in the form', 400);
    const path = `${folder}/${parsed.data.name}`;
    const res = await callAsUser(deps, sessions, c, { method: 'PUT', path: documentPath('/api/v1/kb/documents', path), json: { content: parsed.data.content } });
    if (!res.ok) return refuse(await errorMessage(res), res.status >= 500 ? 502 : 400);
    return c.redirect(documentHref(path), 303);
  });
}
