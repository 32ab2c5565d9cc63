import * as fs from 'node:fs';
import { deferred } from '../../../lib/testing/async.ts';

/**
 * `node:fs` whose promise API waits until `open()` is called: a knowledge base given it stays in its clone/index
 * phase (`KB_NOT_READY`, `/ready` 503) for as long as a test needs. Tests only.
 * @example const kbFs = gatedFs(); const platform = await buildTestPlatform(runtime, { fs: kbFs.fs }); ...; kbFs.open();
 */
export function gatedFs(): { fs: typeof fs; open: () => void } {
  const gate = deferred();
  const promises = new Proxy(fs.promises, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        await gate.promise;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { fs: { ...fs, promises } as typeof fs, open: () => gate.resolve() };
}
