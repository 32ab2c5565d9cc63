import type { ChatProvider } from '../../engine/types.ts';
import { KB_CONTEXT_TOOL, LOCAL_PROVIDER, type LocalSettings } from './api.ts';
import { requestText, toLocalPlan } from './request.ts';
import { composeLocalReply, parsePassages } from './response.ts';
import { localStreamEvents } from './stream.ts';

export { KB_CONTEXT_TOOL, LOCAL_MARKER, LOCAL_MODEL, LOCAL_PROVIDER, type LocalSettings, NO_MODEL_CONFIGURED } from './api.ts';

/**
 * The offline default provider, deterministic: it calls the knowledge-base tool with the user's text, then quotes
 * the passages it returns with their sources; without the tool (or passages) it says no model is configured.
 * @example const local = createLocalProvider(); // model `local/gaia-local`
 */
export function createLocalProvider(settings: LocalSettings = {}): ChatProvider {
  const kbTool = settings.kbTool ?? KB_CONTEXT_TOOL;
  return {
    name: LOCAL_PROVIDER,
    stream(request) {
      const plan = toLocalPlan(request, kbTool);
      const input = requestText(request);
      if (plan.kind === 'search') return localStreamEvents({ call: plan.call }, input, request.signal);
      const passages = plan.kind === 'answer' && !plan.isError ? parsePassages(plan.result) : [];
      const query = plan.kind === 'answer' ? plan.query : undefined;
      return localStreamEvents({ text: composeLocalReply(query, passages, settings) }, input, request.signal);
    },
  };
}
