import type { OpenAPIHono } from '@hono/zod-openapi';
import { ApiError } from '../../../../lib/errors/api-error.ts';
import { codeForStatus } from '../../../../lib/errors/codes.ts';
import type { AppEnv } from '../../../../lib/http/env.ts';
import type { WebDeps } from '../../deps.ts';
import { documentPath } from '../../gateway/call-gateway.ts';
import { errorMessage } from '../../gateway/error-message.ts';
import { KbDocumentSchema, readJson } from '../../gateway/schemas.ts';
import { callAsUser } from '../../session/call-as-user.ts';
import { requireSession } from '../../session/require-session.ts';
import type { Sessions } from '../../session/sessions.ts';
import { KbDocumentPage } from '../../views/kb/kb-document-page.tsx';
import { userFolder } from '../../views/kb/kb-paths.ts';

/** `GET /kb/doc/{path}`: one document (the path keeps its slashes). */
export function registerGetKbDocument(app: OpenAPIHono<AppEnv>, deps: WebDeps, sessions: Sessions): void {
  app.get('/kb/doc/:path{.+}', requireSession(sessions), async (c) => {
    const { user } = c.get('session');
    const res = await callAsUser(deps, sessions, c, { path: documentPath('/api/v1/kb/documents', c.req.param('path')) });
    if (!res.ok) throw new ApiError(codeForStatus(res.status), await errorMessage(res));
    const document = await readJson(res, KbDocumentSchema);
    if (!document) throw new ApiError('BAD_GATEWAY', 'The knowledge base answered an unreadable document');
    return c.html(<KbDocumentPage user={user} document={document} folder={userFolder(user.id)} />);
  });
}
