/** Git-layer failures, mapped to envelope errors by the routes (`git/http-errors.ts`). */
export type GitErrorKind =
  | 'not_found' // path absent (delete, move source, ifMatch on a missing file)
  | 'exists' // move target already present
  | 'precondition' // ifMatch sha differs
  | 'remote_unreachable' // network error, DNS, refused, timeout
  | 'remote_auth' // 401/403 from the remote
  | 'remote_not_found' // 404 / not a repository
  | 'push_rejected' // non-fast-forward or remote refused
  | 'conflict'; // both sides changed the same files

export class GitError extends Error {
  constructor(
    readonly kind: GitErrorKind,
    message: string,
    readonly paths: string[] = [],
  ) {
    super(message);
    this.name = 'GitError';
  }
}
