export { allowOnly, gaiaCaller, requireGaiaPermission } from './caller.ts';
export { type FastApiIssue, fastApiIssues, GaiaError, gaiaOnError, gaiaValidationHook } from './errors.ts';
export { gaiaRouter } from './router.ts';
export { GaiaDetailSchema, GaiaValidationErrorSchema } from './schemas.ts';
