/**
 * Every error the platform reports, and the HTTP status it travels with.
 * Handlers throw {@link ApiError} with one of these; nothing else builds error bodies.
 */
export const ErrorCode = {
  BAD_REQUEST: 'BAD_REQUEST',
  INVALID_JSON: 'INVALID_JSON',
  VALIDATION_FAILED: 'VALIDATION_FAILED',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  METHOD_NOT_ALLOWED: 'METHOD_NOT_ALLOWED',
  CONFLICT: 'CONFLICT',
  PRECONDITION_FAILED: 'PRECONDITION_FAILED',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  RATE_LIMITED: 'RATE_LIMITED',
  INTERNAL: 'INTERNAL',
  BAD_GATEWAY: 'BAD_GATEWAY',
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  NOT_READY: 'NOT_READY',
  GATEWAY_TIMEOUT: 'GATEWAY_TIMEOUT',
  /** The knowledge base is still cloning or indexing its repository (with `Retry-After`). */
  KB_NOT_READY: 'KB_NOT_READY',
  /** A document path that is absolute, climbs out (`..`), touches `.git`, or has no document extension. */
  KB_INVALID_PATH: 'KB_INVALID_PATH',
  /** A path or filter outside `shared/`, `users/<id>/`, `teams/<id>/`. */
  KB_UNKNOWN_NAMESPACE: 'KB_UNKNOWN_NAMESPACE',
  /** Document content that is not UTF-8 text. */
  KB_BINARY_CONTENT: 'KB_BINARY_CONTENT',
  /** Front matter that is not a YAML mapping. */
  KB_INVALID_FRONT_MATTER: 'KB_INVALID_FRONT_MATTER',
  /** Semantic search needs an embeddings provider and pgvector. */
  KB_SEMANTIC_UNAVAILABLE: 'KB_SEMANTIC_UNAVAILABLE',
  /** Both the platform and the remote changed the same files; nothing was merged. */
  KB_SYNC_CONFLICT: 'KB_SYNC_CONFLICT',
  /** The Git remote could not be reached, refused the credentials or the push. */
  KB_REMOTE_FAILED: 'KB_REMOTE_FAILED',
  /** An asset request would take the caller over a daily or monthly budget (`details` names it and when it resets). */
  BUDGET_EXCEEDED: 'BUDGET_EXCEEDED',
  /** An asset request's estimate is above the `max_cost` it set. */
  COST_LIMIT_EXCEEDED: 'COST_LIMIT_EXCEEDED',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export const errorStatus = {
  BAD_REQUEST: 400,
  INVALID_JSON: 400,
  VALIDATION_FAILED: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  PRECONDITION_FAILED: 412,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  BAD_GATEWAY: 502,
  SERVICE_UNAVAILABLE: 503,
  NOT_READY: 503,
  GATEWAY_TIMEOUT: 504,
  KB_NOT_READY: 503,
  KB_INVALID_PATH: 400,
  KB_UNKNOWN_NAMESPACE: 400,
  KB_BINARY_CONTENT: 415,
  KB_INVALID_FRONT_MATTER: 400,
  KB_SEMANTIC_UNAVAILABLE: 503,
  KB_SYNC_CONFLICT: 409,
  KB_REMOTE_FAILED: 502,
  BUDGET_EXCEEDED: 402,
  COST_LIMIT_EXCEEDED: 402,
} as const satisfies Record<ErrorCode, number>;

export type ErrorStatus = (typeof errorStatus)[ErrorCode];

/** The code that best describes a bare HTTP status (used for errors thrown by middleware we don't own). */
export function codeForStatus(status: number): ErrorCode {
  const exact: Partial<Record<number, ErrorCode>> = {
    400: ErrorCode.BAD_REQUEST,
    401: ErrorCode.UNAUTHENTICATED,
    403: ErrorCode.FORBIDDEN,
    404: ErrorCode.NOT_FOUND,
    405: ErrorCode.METHOD_NOT_ALLOWED,
    409: ErrorCode.CONFLICT,
    412: ErrorCode.PRECONDITION_FAILED,
    413: ErrorCode.PAYLOAD_TOO_LARGE,
    415: ErrorCode.UNSUPPORTED_MEDIA_TYPE,
    429: ErrorCode.RATE_LIMITED,
    502: ErrorCode.BAD_GATEWAY,
    503: ErrorCode.SERVICE_UNAVAILABLE,
    504: ErrorCode.GATEWAY_TIMEOUT,
  };
  return exact[status] ?? (status >= 500 ? ErrorCode.INTERNAL : ErrorCode.BAD_REQUEST);
}
