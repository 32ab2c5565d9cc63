/** Which forge signed a push webhook. */
export type WebhookSource = 'github' | 'gitlab';

const encoder = new TextEncoder();

/**
 * Verifies a push webhook with web-standard APIs only: GitHub's `X-Hub-Signature-256: sha256=<hex>` (HMAC-SHA256 of
 * the raw body) or GitLab's `X-Gitlab-Token` (the shared secret, compared in constant time). Null when neither
 * matches, or when `secret` is empty.
 * @example const source = await verifyWebhook(c.req.raw.headers, new Uint8Array(await c.req.arrayBuffer()), secret);
 */
export async function verifyWebhook(
  headers: Headers,
  rawBody: Uint8Array | string,
  secret: string,
): Promise<WebhookSource | null> {
  if (secret.length === 0) return null;
  const signature = headers.get('x-hub-signature-256');
  if (signature !== null && (await verifyGithubSignature(signature, rawBody, secret))) return 'github';
  const token = headers.get('x-gitlab-token');
  if (token !== null && constantTimeEqual(encoder.encode(token), encoder.encode(secret))) return 'gitlab';
  return null;
}

async function verifyGithubSignature(header: string, rawBody: Uint8Array | string, secret: string): Promise<boolean> {
  const match = /^sha256=([0-9a-fA-F]{64})$/.exec(header.trim());
  if (!match?.[1]) return false;
  const key = await crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
    'verify',
  ]);
  const body = typeof rawBody === 'string' ? encoder.encode(rawBody) : new Uint8Array(rawBody);
  return crypto.subtle.verify('HMAC', key, hexToBytes(match[1]), body);
}

function hexToBytes(hex: string): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}

/** Compares every byte of the longer input whatever differs, so timing does not reveal the secret. */
function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  const length = Math.max(a.length, b.length);
  let diff = a.length ^ b.length;
  for (let i = 0; i < length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}
