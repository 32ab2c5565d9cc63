/** Runs `fn` once every earlier holder has finished; a failure releases the lock like a success does. */
export type WithLock = <T>(fn: () => Promise<T>) => Promise<T>;

/**
 * An async mutex as a promise chain: callers run one at a time, in call order.
 * @example const withLock = createLock(); await withLock(async () => commitSomething());
 */
export function createLock(): WithLock {
  let tail: Promise<unknown> = Promise.resolve();
  return function withLock<T>(fn: () => Promise<T>): Promise<T> {
    const run = tail.then(() => fn());
    tail = run.catch(() => undefined);
    return run;
  };
}
