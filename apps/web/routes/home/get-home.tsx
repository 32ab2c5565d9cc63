import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../../../lib/http/env.ts';
import type { WebDeps } from '../../deps.ts';
import type { Sessions } from '../../session/sessions.ts';
import { Layout } from '../../views/layout.tsx';

/** `GET /`: the home page; the status panel loads (and refreshes) over htmx. */
export function registerGetHome(app: OpenAPIHono<AppEnv>, deps: WebDeps, sessions: Sessions): void {
  app.get('/', async (c) =>
    c.html(
      <Layout title="GAIA" active="status" user={(await sessions.cookie.read(c))?.user ?? null}>
        <header>
          <h1>GAIA</h1>
          <span class="muted">chat over LLMs, knowledge bases and asset generation</span>
        </header>
        <main>
          <h2>Platform status</h2>
          <div hx-get="/partials/status" hx-trigger="load, every 10s" hx-swap="innerHTML">
            <p class="muted">Loading…</p>
          </div>
          <h2>API</h2>
          <p>
            The gateway serves the API at <code>{deps.publicGatewayUrl}</code>:{' '}
            <a href={`${deps.publicGatewayUrl}/docs`}>interactive documentation</a> ·{' '}
            <a href={`${deps.publicGatewayUrl}/openapi.json`}>OpenAPI document</a>
          </p>
        </main>
      </Layout>,
    ),
  );
}
