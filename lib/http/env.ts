/** Context variables every GAIA app sets. */
export interface AppVariables {
  requestId: string;
}

export interface AppEnv {
  Variables: AppVariables;
}
