/**
 * `npm run keys`: prints a new private signing key (an Ed25519 JWK, one line of JSON) on stdout, for
 * `INTERNAL_SIGNING_KEY`. The gateway signs the identity it forwards to services with it; give the auth service the
 * same value so it publishes the public half. Instructions go to stderr, so `$(npm run -s keys)` captures the key only.
 */
import { generateSigningKey } from '../lib/auth/signing-keys.ts';

const key = await generateSigningKey();
console.log(JSON.stringify(key.privateJwk));
console.error(
  `\nA new internal signing key (kid ${key.kid}). It is a secret: store it in your secret manager.\n` +
    'Set INTERNAL_SIGNING_KEY to this JSON for the gateway and for the auth service, e.g.\n' +
    "  export INTERNAL_SIGNING_KEY='<the line above>'\n" +
    '  fly secrets set -a gaia-gateway INTERNAL_SIGNING_KEY="$KEY" && fly secrets set -a gaia-auth INTERNAL_SIGNING_KEY="$KEY"',
);
