export { ApiError, type ApiErrorOptions } from './api-error.ts';
export { codeForStatus, ErrorCode, type ErrorStatus, errorStatus } from './codes.ts';
export { authErrorResponses, type ErrorEnvelope, ErrorEnvelopeSchema, errorBody, errorResponses } from './envelope.ts';
export { defaultHook, notFound, onError, toApiError, unstorableParameter, zodIssues } from './handler.ts';
export { logThrown } from './log-error.ts';
