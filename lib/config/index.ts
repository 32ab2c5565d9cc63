export { ConfigError, type Env, loadConfigOrExit, parseConfig } from './config.ts';
export { type CommonConfig, CommonConfigSchema, commonChecks, ServiceConfigSchema } from './common.ts';
export * as fields from './fields.ts';
