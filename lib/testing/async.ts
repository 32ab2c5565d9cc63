/**
 * A promise with its resolver, for coordinating a test with a server without relying on timing.
 * @example const reached = deferred(); upstream.onRequest = () => reached.resolve(); await reached.promise;
 */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/**
 * `promise`, or a failure naming `what` when it does not settle within `ms` (instead of a hanging test).
 * @example await within(closed.promise, 2_000, 'the upstream to see the abort');
 */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Polls `check` every 20 ms until it is true; throws after `timeoutMs`. Resolves with the time it took.
 * @example await eventually(async () => (await app.request(path)).status === 401, 1_000);
 */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs: number, what = 'the condition'): Promise<number> {
  const start = Date.now();
  for (;;) {
    if (await check()) return Date.now() - start;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
