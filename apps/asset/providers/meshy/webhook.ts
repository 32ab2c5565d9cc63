import { jsonObject, verifyBodyHmac } from '../webhook-signature.ts';
import { MESHY_SIGNATURE_HEADER } from './api.ts';

/**
 * A Meshy webhook delivery, verified: the HMAC-SHA256 (hex, optionally `sha256=`-prefixed) of the raw body under the
 * webhook secret in {@link MESHY_SIGNATURE_HEADER}, compared in constant time; the task it is about (the payload is
 * the task object). Null when it does not verify. The provider only wakes its poller with it: the task is then read
 * over the authenticated API.
 */
export function verifyMeshyDelivery(secret: string, headers: Headers, rawBody: string): { taskId: string; payload: unknown } | null {
  if (!verifyBodyHmac(secret, rawBody, headers.get(MESHY_SIGNATURE_HEADER))) return null;
  const payload = jsonObject(rawBody);
  if (!payload) return null;
  const { id, task_id: taskId } = payload;
  const task = typeof id === 'string' && id ? id : typeof taskId === 'string' && taskId ? taskId : undefined;
  return task ? { taskId: task, payload } : null;
}
