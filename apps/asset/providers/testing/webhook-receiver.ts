import type { AssetProvider } from '../types.ts';
import { type FakeServer, startFakeServer } from './fake-http.ts';

export interface WebhookReceiver extends FakeServer {
  /** The URL the provider's service posts to. */
  readonly url: string;
  /** Task ids of verified deliveries, and the bodies of refused ones. */
  readonly verified: string[];
  readonly rejected: string[];
  /** What `ProviderContext.waitForCallback` does in the service: resolves on the next verified webhook about `taskId`. */
  waitForCallback(taskId: string): Promise<unknown>;
}

/**
 * The asset service's webhook route, as far as providers see it: the raw body and headers go to
 * `provider.webhook.verify`; a verified delivery wakes the waiters of its task (200), anything else is 401.
 * @example const receiver = await startWebhookReceiver('meshy', () => provider); context.waitForCallback = receiver.waitForCallback;
 */
export async function startWebhookReceiver(name: string, provider: () => AssetProvider): Promise<WebhookReceiver> {
  const waiters = new Map<string, ((payload: unknown) => void)[]>();
  const verified: string[] = [];
  const rejected: string[] = [];
  const server = await startFakeServer((request) => {
    const headers = new Headers(Object.entries(request.headers).flatMap(([key, value]) => (typeof value === 'string' ? [[key, value] as [string, string]] : [])));
    const raw = request.body.toString('utf8');
    const result = provider().webhook?.verify(headers, raw) ?? null;
    if (!result) {
      rejected.push(raw);
      return { status: 401, json: { error: 'invalid signature' } };
    }
    verified.push(result.taskId);
    for (const wake of waiters.get(result.taskId) ?? []) wake(result.payload);
    waiters.delete(result.taskId);
    return { json: { received: true } };
  });
  return Object.assign(server, {
    url: `${server.origin}/api/v1/assets/webhooks/${name}`,
    verified,
    rejected,
    waitForCallback: (taskId: string) =>
      new Promise<unknown>((resolve) => {
        waiters.set(taskId, [...(waiters.get(taskId) ?? []), resolve]);
      }),
  });
}
