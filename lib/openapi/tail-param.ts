import type { OpenAPIHono, RouteConfig, RouteHandler } from '@hono/zod-openapi';
import type { Env } from 'hono';

/**
 * Registers an OpenAPI route whose LAST path parameter takes the rest of the URL, slashes included
 * (`/api/v1/kb/documents/{path}` matches `/api/v1/kb/documents/shared/guides/setup.md`). The document still shows
 * `{path}`; Hono routes it as `:path{.+}`.
 * @example openapiTail(app, getDocumentRoute, async (c) => c.json({ path: c.req.valid('param').path }, 200));
 */
export function openapiTail<E extends Env, R extends RouteConfig>(
  app: OpenAPIHono<E>,
  route: R,
  handler: RouteHandler<R, E>,
): void {
  if (!/\{\w+\}$/.test(route.path)) throw new TypeError(`${route.path} does not end with a path parameter`);
  // zod-openapi turns `/{x}` into `/:x` with a lazy match, so `{path{.+}}` becomes Hono's `:path{.+}`.
  const routing = { ...route, path: route.path.replace(/\{(\w+)\}$/, '{$1{.+}}') };
  // biome-ignore lint/suspicious/noExplicitAny: the routing copy differs from `route` only in its path string.
  app.openapi(routing as R, handler as any);
  const definition = app.openAPIRegistry.definitions.at(-1);
  if (definition?.type === 'route') definition.route.path = route.path;
}
