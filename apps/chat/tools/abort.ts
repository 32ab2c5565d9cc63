/**
 * `promise`, or a rejection with `signal.reason` as soon as `signal` aborts — for work that may ignore its signal
 * (a provider stream, a tool). The losing promise's later rejection is handled, so it never goes unhandled.
 * @example const next = await raceAbort(iterator.next(), signal);
 */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => {});
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}

/**
 * Iterates `source`, giving up as soon as `signal` aborts (rejecting with its reason) even when the source never
 * yields again; the source is then closed in the background.
 */
export async function* abortable<T>(source: AsyncIterable<T>, signal: AbortSignal): AsyncGenerator<T> {
  const iterator = source[Symbol.asyncIterator]();
  let finished = false;
  try {
    while (true) {
      const next = await raceAbort(iterator.next(), signal);
      if (next.done) {
        finished = true;
        return;
      }
      yield next.value;
    }
  } finally {
    if (!finished) Promise.resolve(iterator.return?.()).catch(() => {});
  }
}
