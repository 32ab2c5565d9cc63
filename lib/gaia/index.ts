export { type FastApiIssue, fastApiIssues, GaiaError, gaiaOnError, gaiaValidationHook } from './errors.ts';
export { gaiaRouter } from './router.ts';
