import { base64url } from 'jose';

/**
 * A fresh random secret (refresh tokens, confirmation codes): `bytes` random bytes, base64url without padding.
 * @example const refreshToken = randomSecret(); // 43 characters
 */
export function randomSecret(bytes = 32): string {
  return base64url.encode(crypto.getRandomValues(new Uint8Array(bytes)));
}

/**
 * Hex SHA-256 of a secret: what the database keeps instead of the secret itself.
 * @example await sha256Hex(refreshToken); // '9f86d0...'
 */
export async function sha256Hex(value: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(value));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}
