import type { AssetSource } from '../../lib/http/assets.ts';
import type { Logger } from '../../lib/logging/logger.ts';
import type { Readiness } from '../../lib/readiness/readiness.ts';

/**
 * Who the browser is, for the gateway's per-client limits: its address, as `@hono/node-server` would have passed it.
 * In-process (all-in-one) it goes to the gateway as its env; over HTTP the web server sends it as `X-Forwarded-For`
 * (which the gateway honours only with `TRUST_PROXY`).
 */
export interface GatewayClient {
  incoming: { socket: { remoteAddress: string } };
}

export interface WebDeps {
  logger: Logger;
  readiness: Readiness;
  /** Sends a request to the gateway (in-process all-in-one, else over HTTP). The UI uses only the public API. */
  gateway: (request: Request, client?: GatewayClient) => Promise<Response>;
  /** The gateway's URL as the browser reaches it, for links (API docs). */
  publicGatewayUrl: string;
  /** `/static/*`: htmx, the chat page's script, the stylesheet (`webStaticAssets()` on Node). */
  staticAssets: AssetSource;
  /**
   * 32 bytes sealing the session cookie (AES-256-GCM). Default: random for this process, so sessions end when it
   * restarts and every web instance would need the same key to share them.
   */
  sessionKey?: Uint8Array;
}
