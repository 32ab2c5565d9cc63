export { ConfigError, type Env, loadConfigOrExit, parseConfig } from './config.ts';
export * as fields from './fields.ts';
