import type { Principal } from '../auth/types.ts';

/** Context variables every GAIA app sets. */
export interface AppVariables {
  requestId: string;
  /**
   * The verified caller, set by the service's authentication middleware from the gateway's signed internal
   * token (`lib/auth/middleware.ts`); absent on public routes.
   */
  principal?: Principal;
}

export interface AppEnv {
  Variables: AppVariables;
}
