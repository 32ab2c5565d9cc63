import { createHash, createHmac } from 'node:crypto';

const rfc3986 = (value: string) => encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();

/**
 * Checks a SigV4 presigned GET URL the way S3 does, written from AWS's "Authenticating Requests: Using Query
 * Parameters" and independent of the SDK (s3rver checks V4 expiry but not signatures): the canonical request (the
 * path as sent, the query re-encoded and sorted without `X-Amz-Signature`, the signed headers — `host` — and
 * `UNSIGNED-PAYLOAD`), the string to sign, the derived key, the signature. Returns what is wrong, or `null`.
 * @example expect(verifyPresignedGet(url, 'S3RVER')).toBeNull();
 */
export function verifyPresignedGet(url: string, secretAccessKey: string, now = new Date()): string | null {
  const target = new URL(url);
  const params = [...target.searchParams.entries()];
  const get = (name: string) => target.searchParams.get(name);
  if (get('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256') return 'X-Amz-Algorithm is not AWS4-HMAC-SHA256';
  const [credential, date, signature, signedHeaders, expires] = ['X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Signature', 'X-Amz-SignedHeaders', 'X-Amz-Expires'].map(get);
  if (!credential || !date || !signature || !signedHeaders || !expires) return 'a required X-Amz-* parameter is missing';
  const [, shortDate, region, service, terminator] = credential.split('/');
  if (!shortDate || !region || !service || terminator !== 'aws4_request' || !date.startsWith(shortDate)) return 'X-Amz-Credential is malformed';
  if (signedHeaders !== 'host') return `signs more than host: ${signedHeaders}`;
  const signedAt = Date.parse(date.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'));
  if (Number.isNaN(signedAt)) return 'X-Amz-Date is malformed';
  if (now.getTime() > signedAt + Number(expires) * 1000) return 'expired';

  const query = params
    .filter(([name]) => name !== 'X-Amz-Signature')
    .map(([name, value]) => [rfc3986(name), rfc3986(value)] as const)
    .sort(([a, av], [b, bv]) => (a === b ? (av < bv ? -1 : 1) : a < b ? -1 : 1))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
  const canonical = ['GET', target.pathname, query, `host:${target.host}`, '', 'host', 'UNSIGNED-PAYLOAD'].join('\n');
  const scope = `${shortDate}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', date, scope, createHash('sha256').update(canonical).digest('hex')].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, shortDate), region), service), 'aws4_request');
  const expected = createHmac('sha256', key).update(stringToSign).digest('hex');
  return expected === signature ? null : 'signature does not match';
}
