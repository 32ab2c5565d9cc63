import { type ErrorCode, type ErrorStatus, errorStatus } from './codes.ts';

export interface ApiErrorOptions {
  /** Extra machine-readable facts for the caller (validation issues, limits...). Never secrets. */
  details?: unknown;
  /** Extra response headers, e.g. `Retry-After`. */
  headers?: Record<string, string>;
  cause?: unknown;
}

/**
 * The one error type handlers throw. `onError` turns it into the envelope.
 * @example throw new ApiError('NOT_FOUND', 'Conversation not found');
 */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly status: ErrorStatus;
  readonly details: unknown;
  readonly headers: Record<string, string>;

  constructor(code: ErrorCode, message: string, options: ApiErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ApiError';
    this.code = code;
    this.status = errorStatus[code];
    this.details = options.details;
    this.headers = options.headers ?? {};
  }
}
