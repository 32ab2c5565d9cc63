import { ApiError } from '../../../lib/errors/api-error.ts';
import { GitError } from '../git/errors.ts';
import { FrontMatterError } from './front-matter.ts';
import { SemanticUnavailableError } from '../search/search.ts';
import { checkPath } from './paths.ts';

/**
 * A valid path or a 400 `KB_INVALID_PATH` saying what is wrong with it.
 * @example const path = validPath(c.req.valid('param').path, 'file');
 */
export function validPath(raw: string, kind: 'file' | 'dir'): string {
  const checked = checkPath(raw, kind);
  if (!checked.ok) throw new ApiError('KB_INVALID_PATH', checked.message, { details: { path: raw, problem: checked.problem } });
  return checked.path;
}

/** Maps the git, front-matter and search layers' errors to envelope errors; anything else passes through. */
export function toApiError(err: unknown): unknown {
  if (err instanceof GitError) {
    switch (err.kind) {
      case 'not_found':
        return new ApiError('NOT_FOUND', err.message, { cause: err });
      case 'exists':
        return new ApiError('CONFLICT', err.message, { cause: err });
      case 'precondition':
        return new ApiError('PRECONDITION_FAILED', err.message, { cause: err });
      case 'conflict':
        return new ApiError('KB_SYNC_CONFLICT', err.message, { details: { paths: err.paths }, cause: err });
      default:
        return new ApiError('KB_REMOTE_FAILED', err.message, { details: { reason: err.kind }, cause: err });
    }
  }
  if (err instanceof FrontMatterError) return new ApiError('KB_INVALID_FRONT_MATTER', err.message, { cause: err });
  if (err instanceof SemanticUnavailableError) return new ApiError('KB_SEMANTIC_UNAVAILABLE', err.message, { cause: err });
  return err;
}

/** Runs `fn`, translating domain errors with {@link toApiError}. */
export async function translated<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toApiError(err);
  }
}
