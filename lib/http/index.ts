export type { AppEnv, AppVariables } from './env.ts';
export { type RequestIdOptions, requestId } from './request-id.ts';
