import type { AuthCallback } from 'isomorphic-git';
import { GitError, type GitErrorKind } from './errors.ts';

/** Where the kb repository syncs to; `token` becomes Basic auth (`username || 'x-access-token'`:token). */
export interface RemoteConfig {
  url: string;
  username?: string;
  password?: string;
  token?: string;
}

/** A remote with the credentials split out of its URL: `url` is safe to store, log and show. */
export interface ResolvedRemote {
  url: string;
  onAuth?: AuthCallback;
  /** Credential values to scrub from any message. */
  secrets: string[];
}

/**
 * Strips credentials from the URL (moving them into `onAuth`), so neither `.git/config` nor a log line holds them.
 * @example const { url, onAuth } = resolveRemote({ url: 'https://github.com/acme/kb.git', token: 'ghp_x' });
 */
export function resolveRemote(remote: RemoteConfig): ResolvedRemote {
  let url = remote.url;
  let username = remote.username;
  let password = remote.password;
  try {
    const parsed = new URL(remote.url);
    if (parsed.username || parsed.password) {
      username ??= decodeURIComponent(parsed.username);
      password ??= decodeURIComponent(parsed.password);
      parsed.username = '';
      parsed.password = '';
      url = parsed.toString();
    }
  } catch {
    // Not a WHATWG URL: isomorphic-git will reject it with its own error; keep it as given.
  }
  const auth = remote.token
    ? { username: username || 'x-access-token', password: remote.token }
    : username || password
      ? { username: username ?? '', password: password ?? '' }
      : undefined;
  const secrets = [remote.token, password].filter((s): s is string => Boolean(s));
  return { url, secrets, ...(auth ? { onAuth: () => auth } : {}) };
}

/**
 * The URL without user info, for logs and status.
 * @example redactUrl('https://u:p@host/r.git'); // 'https://host/r.git'
 */
export function redactUrl(url: string): string {
  return resolveRemote({ url }).url;
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'ENETDOWN',
  'EPIPE',
  'EPROTO',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'EmptyServerResponseError',
]);

interface ErrorLike {
  code?: unknown;
  message?: unknown;
  data?: { statusCode?: unknown; filepaths?: unknown; reason?: unknown };
  cause?: unknown;
}

/** The GitError kind for a recognised isomorphic-git / network error; undefined for anything else. */
export function gitErrorKind(err: unknown): GitErrorKind | undefined {
  if (err instanceof GitError) return err.kind;
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as ErrorLike;
  const code = typeof e.code === 'string' ? e.code : '';
  if (code === 'HttpError') {
    const status = Number(e.data?.statusCode);
    if (status === 401 || status === 403) return 'remote_auth';
    if (status === 404 || status === 410) return 'remote_not_found';
    return 'remote_unreachable';
  }
  if (code === 'UserCanceledError') return 'remote_auth';
  if (code === 'SmartHttpError' || code === 'UrlParseError' || code === 'UnknownTransportError') {
    return 'remote_not_found';
  }
  if (code === 'PushRejectedError' || code === 'GitPushError') return 'push_rejected';
  if (code === 'MergeConflictError' || code === 'MergeNotSupportedError' || code === 'FastForwardError') {
    return 'conflict';
  }
  if (NETWORK_CODES.has(code) || code.startsWith('UND_ERR')) return 'remote_unreachable';
  if (e.cause !== undefined && e.cause !== err) return gitErrorKind(e.cause);
  return undefined;
}

const DESCRIPTION: Record<GitErrorKind, string> = {
  not_found: 'was not found',
  exists: 'already exists',
  precondition: 'failed a precondition',
  remote_unreachable: 'is unreachable',
  remote_auth: 'rejected the credentials',
  remote_not_found: 'is not a Git repository (or does not exist)',
  push_rejected: 'rejected the push',
  conflict: 'has changes that conflict with local ones',
};

/**
 * Maps an isomorphic-git or network error to a {@link GitError} whose message names the (credential-free) remote
 * and never contains a secret. Errors it does not recognise become `remote_unreachable`.
 * @example try { await git.fetch(...) } catch (err) { throw classifyGitError(err, { url }) }
 */
export function classifyGitError(err: unknown, context: { url?: string; secrets?: string[] } = {}): GitError {
  if (err instanceof GitError) return err;
  const kind = gitErrorKind(err) ?? 'remote_unreachable';
  const e = (typeof err === 'object' && err !== null ? err : {}) as ErrorLike;
  const paths = Array.isArray(e.data?.filepaths) ? (e.data.filepaths as string[]) : [];
  const subject = context.url ? `Remote ${redactUrl(context.url)}` : 'The Git remote';
  const status = typeof e.data?.statusCode === 'number' ? ` (HTTP ${e.data.statusCode})` : '';
  const detail = typeof e.message === 'string' ? e.message : String(err);
  const message =
    kind === 'conflict' && paths.length > 0
      ? `${subject} ${DESCRIPTION[kind]}: ${paths.join(', ')}`
      : `${subject} ${DESCRIPTION[kind]}${status}: ${detail}`;
  return new GitError(kind, scrub(message, context.secrets ?? []), paths);
}

function scrub(text: string, secrets: string[]): string {
  let out = text;
  for (const secret of secrets) if (secret.length > 0) out = out.split(secret).join('***');
  return out.replace(/\/\/[^/@\s]+@/g, '//');
}
