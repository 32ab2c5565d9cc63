import type { AppVariables } from '../../lib/http/env.ts';

/** Context variables of the gateway app. */
export interface GatewayVariables extends AppVariables {
  /** Milliseconds the upstream service took to answer (headers received); feeds `Server-Timing`. */
  upstreamMs?: number;
}

export interface GatewayEnv {
  Variables: GatewayVariables;
}
