import { TokenError, type TokenErrorReason } from '../auth/verify.ts';

/**
 * The `TokenError` reason a verification rejected with; fails when it resolved or threw something else.
 * @example expect(await tokenErrorReason(verifier.verify(expired))).toBe('expired');
 */
export async function tokenErrorReason(promise: Promise<unknown>): Promise<TokenErrorReason> {
  const err = await promise.then(
    () => new Error('expected the token to be rejected'),
    (e: unknown) => e,
  );
  if (!(err instanceof TokenError)) throw err;
  return err.reason;
}
