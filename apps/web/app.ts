import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../lib/http/env.ts';
import { createServiceApp } from '../../lib/openapi/service-app.ts';
import { VERSION } from '../../lib/version.ts';
import type { WebDeps } from './deps.ts';
import { registerGetHome } from './routes/home/get-home.tsx';
import { registerGetStatic } from './routes/static/get-static.ts';
import { registerGetStatus } from './routes/status/get-status.tsx';

/** The web UI: server-rendered pages (Hono JSX + htmx) over the gateway's public API. */
export function createApp(deps: WebDeps): OpenAPIHono<AppEnv> {
  const app = createServiceApp({
    service: 'web',
    version: VERSION,
    logger: deps.logger,
    readiness: deps.readiness,
    description: 'Server-rendered UI (Hono JSX + htmx) over the gateway.',
  });
  registerGetHome(app, deps);
  registerGetStatus(app, deps);
  registerGetStatic(app, deps);
  return app;
}
