export const SERVICE_NAMES = ['auth', 'chat', 'asset', 'kb', 'web'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/**
 * How one HTTP request reaches another service: `app.fetch` in-process, or an HTTP transport.
 * Web-standard so the same code runs on Node, Deno and the edge.
 */
export type Transport = (request: Request) => Promise<Response>;

/** A handle on another service that hides where it runs (in-process, compose hostname, Fly private network, URL). */
export interface ServiceClient {
  readonly name: ServiceName;
  /** Where requests go, for logs and health output: `in-process` or the base URL. */
  readonly target: string;
  /**
   * Sends a request whose URL path (and query) are kept and whose origin is replaced by the service's.
   * @example const res = await services.kb.fetch(new Request('http://kb/health'));
   */
  fetch(request: Request): Promise<Response>;
}
