import { ProviderError } from './types.ts';

/**
 * What the caller is told when a reply fails: never a provider or model name, never a stack trace (GAIA-API §2);
 * the log has the details.
 */
export function publicFailureMessage(err: unknown): string {
  if (!(err instanceof ProviderError)) return 'The reply failed unexpectedly; try again';
  switch (err.kind) {
    case 'timeout':
      return 'The model took too long to answer; try again';
    case 'rate_limited':
    case 'circuit_open':
    case 'server':
    case 'network':
      return 'The model is unavailable right now; try again shortly';
    case 'aborted':
      return 'The request was cancelled';
    case 'auth':
      return 'The model provider refused our credentials; an administrator must fix the configuration';
    case 'bad_request':
      return 'The model refused the request';
    case 'invalid_response':
      return 'The model answered with something unreadable; try again';
  }
}
