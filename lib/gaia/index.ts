export { type FastApiIssue, fastApiIssues, GaiaError, gaiaOnError, gaiaValidationHook } from './errors.ts';
