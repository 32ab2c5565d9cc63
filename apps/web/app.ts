import type { OpenAPIHono } from '@hono/zod-openapi';
import { csrf } from 'hono/csrf';
import type { AppEnv } from '../../lib/http/env.ts';
import { createServiceApp } from '../../lib/openapi/service-app.ts';
import { VERSION } from '../../lib/version.ts';
import type { WebDeps } from './deps.ts';
import { registerGetAssetFile } from './routes/assets/get-asset-file.tsx';
import { registerGetAssets } from './routes/assets/get-assets.tsx';
import { registerGetJobCard } from './routes/assets/get-job-card.tsx';
import { registerGetJobEvents } from './routes/assets/get-job-events.ts';
import { registerPostAssetJob } from './routes/assets/post-asset-job.tsx';
import { registerPostCancelJob } from './routes/assets/post-cancel-job.tsx';
import { registerPostDeleteAsset } from './routes/assets/post-delete-asset.tsx';
import { registerDeleteConversation } from './routes/chat/delete-conversation.ts';
import { registerGetChat } from './routes/chat/get-chat.tsx';
import { registerGetConversationList } from './routes/chat/get-conversation-list.tsx';
import { registerPostChatStream } from './routes/chat/post-chat-stream.ts';
import { registerGetHome } from './routes/home/get-home.tsx';
import { registerGetKb } from './routes/kb/get-kb.tsx';
import { registerGetKbDocument } from './routes/kb/get-kb-document.tsx';
import { registerGetKbSearch } from './routes/kb/get-kb-search.tsx';
import { registerGetKbTree } from './routes/kb/get-kb-tree.tsx';
import { registerPostKbDocument } from './routes/kb/post-kb-document.tsx';
import { registerGetLogin } from './routes/session/get-login.tsx';
import { registerPostLogin } from './routes/session/post-login.tsx';
import { registerPostLogout } from './routes/session/post-logout.ts';
import { registerPostRegister } from './routes/session/post-register.tsx';
import { registerGetStatic } from './routes/static/get-static.ts';
import { registerGetStatus } from './routes/status/get-status.tsx';
import { webSecurityHeaders } from './security-headers.ts';
import { createSessions } from './session/sessions.ts';

/**
 * The web UI: server-rendered pages (Hono JSX + htmx) over the gateway's public API. The browser holds only a sealed,
 * HttpOnly session cookie; form posts must come from this origin (`Origin` / `Sec-Fetch-Site`, with SameSite=Lax).
 * Every response carries a strict Content-Security-Policy and the other security headers (`security-headers.ts`).
 */
export function createApp(deps: WebDeps): OpenAPIHono<AppEnv> {
  const app = createServiceApp({
    service: 'web',
    version: VERSION,
    logger: deps.logger,
    readiness: deps.readiness,
    description: 'Server-rendered UI (Hono JSX + htmx) over the gateway.',
    use: [webSecurityHeaders()],
  });
  const sessions = createSessions({ gateway: deps.gateway, logger: deps.logger, ...(deps.sessionKey ? { key: deps.sessionKey } : {}) });
  app.use(csrf());
  registerGetHome(app, deps, sessions);
  registerGetStatus(app, deps);
  registerGetStatic(app, deps);
  registerGetLogin(app, sessions);
  registerPostLogin(app, deps, sessions);
  registerPostRegister(app, deps, sessions);
  registerPostLogout(app, sessions);
  registerPostChatStream(app, deps, sessions);
  registerGetConversationList(app, deps, sessions);
  registerDeleteConversation(app, deps, sessions);
  registerGetChat(app, deps, sessions);
  registerGetKb(app, sessions);
  registerGetKbSearch(app, deps, sessions);
  registerGetKbTree(app, deps, sessions);
  registerGetKbDocument(app, deps, sessions);
  registerPostKbDocument(app, deps, sessions);
  registerGetAssets(app, deps, sessions);
  registerPostAssetJob(app, deps, sessions);
  registerPostCancelJob(app, deps, sessions);
  registerPostDeleteAsset(app, deps, sessions);
  registerGetJobCard(app, deps, sessions);
  registerGetJobEvents(app, deps, sessions);
  registerGetAssetFile(app, deps, sessions);
  return app;
}
