import type { Logger } from '../../../lib/logging/logger.ts';
import type { ResolvedModel } from '../providers/registry.ts';
import { streamWithFallback } from '../providers/reliability.ts';
import type { ChatProvider } from './types.ts';

/**
 * One provider over a fallback chain, for the tool loop: each call streams from the first entry that answers, and
 * `onSelected` learns which one did (so the stored reply names the real provider and model).
 * @example const provider = fallbackProvider(registry.fallbackChain(id), log, (entry) => { answered = entry; });
 */
export function fallbackProvider(chain: ResolvedModel[], log: Logger, onSelected: (entry: ResolvedModel) => void): ChatProvider {
  return {
    name: 'fallback',
    async *stream(request) {
      const { model: _chainHasItsOwn, ...rest } = request;
      for await (const event of streamWithFallback(chain, rest, {
        onFallback: (failure, next) =>
          log.warn('provider failed, falling back', { provider: failure.entry.info.id, kind: failure.error.kind, next: next?.info.id ?? null }),
      })) {
        if (event.type === 'selected') onSelected(event.entry);
        else yield event;
      }
    },
  };
}
