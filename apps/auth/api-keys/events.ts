import type { Kv } from '../../../lib/kv/types.ts';

/**
 * Published when a key stops being valid as cached (revoked, rotated, or its owner's roles changed), with
 * `{"keyHash":"<sha-256 hex>"}`: gateways drop their cached verification of that key at once.
 */
export const API_KEY_REVOKED_CHANNEL = 'gaia:auth:api-key-revoked';

/** The message on {@link API_KEY_REVOKED_CHANNEL}. */
export interface ApiKeyRevokedEvent {
  keyHash: string;
}

/**
 * Tells every gateway to forget its cached verification of the keys with these hashes (one message per key).
 * @example await publishKeyRevoked(deps.kv, [row.key_hash]);
 */
export async function publishKeyRevoked(kv: Kv, keyHashes: readonly string[]): Promise<void> {
  for (const keyHash of keyHashes) {
    const event: ApiKeyRevokedEvent = { keyHash };
    await kv.publish(API_KEY_REVOKED_CHANNEL, JSON.stringify(event));
  }
}
