/**
 * Runs `run` with an abort signal that fires after `ms`, and rejects with `no answer within <ms> ms` at that moment
 * even if `run` ignores the signal (a probe must never hang the check that waits for it).
 * @example await withDeadline(2_000, (signal) => client.fetch(new Request('http://service/ready', { signal })));
 */
export function withDeadline<T>(ms: number, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const reason = new Error(`no answer within ${ms} ms`);
      controller.abort(reason);
      reject(reason);
    }, ms);
  });
  return Promise.race([Promise.resolve().then(() => run(controller.signal)), expired]).finally(() => clearTimeout(timer));
}
