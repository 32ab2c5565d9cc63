import { describe, expect, it } from 'vitest';
import { verifyWebhook } from './webhook.ts';

const secret = 'hook-secret';
const body = '{"ref":"refs/heads/main","after":"abc"}';

async function githubSignature(payload: string, key: string): Promise<string> {
  const encoder = new TextEncoder();
  const hmacKey = await crypto.subtle.importKey('raw', encoder.encode(key), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', hmacKey, encoder.encode(payload)));
  return `sha256=${Array.from(mac, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

describe('verifyWebhook', () => {
  it('accepts a valid GitHub signature over a string or byte body', async () => {
    const headers = new Headers({ 'X-Hub-Signature-256': await githubSignature(body, secret) });
    expect(await verifyWebhook(headers, body, secret)).toBe('github');
    expect(await verifyWebhook(headers, new TextEncoder().encode(body), secret)).toBe('github');
  });

  it('rejects a bad or malformed GitHub signature, or a changed body', async () => {
    const wrongKey = new Headers({ 'X-Hub-Signature-256': await githubSignature(body, 'other') });
    expect(await verifyWebhook(wrongKey, body, secret)).toBeNull();
    const good = new Headers({ 'X-Hub-Signature-256': await githubSignature(body, secret) });
    expect(await verifyWebhook(good, `${body} `, secret)).toBeNull();
    expect(await verifyWebhook(new Headers({ 'X-Hub-Signature-256': 'sha256=zz' }), body, secret)).toBeNull();
    expect(await verifyWebhook(new Headers({ 'X-Hub-Signature-256': 'sha1=abc' }), body, secret)).toBeNull();
  });

  it('accepts the GitLab token only when it equals the secret', async () => {
    expect(await verifyWebhook(new Headers({ 'X-Gitlab-Token': secret }), body, secret)).toBe('gitlab');
    expect(await verifyWebhook(new Headers({ 'X-Gitlab-Token': 'hook-secreT' }), body, secret)).toBeNull();
    expect(await verifyWebhook(new Headers({ 'X-Gitlab-Token': `${secret}x` }), body, secret)).toBeNull();
  });

  it('returns null without signature headers or without a secret', async () => {
    expect(await verifyWebhook(new Headers(), body, secret)).toBeNull();
    expect(await verifyWebhook(new Headers({ 'X-Gitlab-Token': '' }), body, '')).toBeNull();
  });
});
