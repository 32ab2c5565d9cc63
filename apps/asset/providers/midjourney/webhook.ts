import { randomBytes } from 'node:crypto';
import { hmacHex, jsonObject, safeEqual } from '../webhook-signature.ts';

/**
 * midjourney-proxy signs nothing, but echoes a task's `state` in every callback: the provider sends a state signed
 * with the webhook secret (`gaia1.<nonce>.<hmac(nonce)>`), and a callback verifies when its state does. A verified
 * callback only wakes the poller, which then reads the task over the authenticated API: its body is never trusted.
 */
const PREFIX = 'gaia1';

/** A fresh signed state for one generation. */
export function signedState(secret: string): string {
  const nonce = randomBytes(12).toString('base64url');
  return `${PREFIX}.${nonce}.${hmacHex(secret, nonce)}`;
}

/** Whether `state` is one {@link signedState} made with `secret`. */
export function stateVerifies(secret: string, state: unknown): boolean {
  if (typeof state !== 'string') return false;
  const [prefix, nonce, signature, ...rest] = state.split('.');
  if (prefix !== PREFIX || !nonce || !signature || rest.length > 0) return false;
  return safeEqual(signature, hmacHex(secret, nonce));
}

/** The webhook verifier: the task id of a callback whose state verifies, else null. */
export function verifyMidjourneyCallback(secret: string, rawBody: string): { taskId: string; payload: unknown } | null {
  const payload = jsonObject(rawBody);
  if (!payload) return null;
  const { id, state } = payload;
  if (typeof id !== 'string' || !id || !stateVerifies(secret, state)) return null;
  return { taskId: id, payload };
}
