import type { ToolLoop, ToolLoopResult } from '../tools/loop.ts';
import { type ChatMessage, type ChatProvider, type FinishReason, ProviderError, type ProviderRequest, type ToolCall } from './types.ts';

/**
 * One provider call whose tools belong to the CLIENT (OpenAI-compatible requests that pass `tools`): tool calls are
 * handed back to the client, not run. Shaped like the tool loop so the engine treats both alike.
 * @example const turn = directTurn(provider, { model, messages, tools: clientTools, signal });
 */
export function directTurn(provider: ChatProvider, request: ProviderRequest): ToolLoop {
  const state: ToolLoopResult = { messages: [], usage: { inputTokens: 0, outputTokens: 0 }, steps: 1, finishReason: null };
  let settle: (result: ToolLoopResult) => void = () => {};
  const result = new Promise<ToolLoopResult>((resolve) => {
    settle = resolve;
  });
  async function* run() {
    let text = '';
    const calls: ToolCall[] = [];
    try {
      for await (const event of provider.stream(request)) {
        if (event.type === 'text') text += event.text;
        else if (event.type === 'tool_call') calls.push(event.call);
        else if (event.type === 'usage') {
          state.usage = {
            inputTokens: state.usage.inputTokens + event.usage.inputTokens,
            outputTokens: state.usage.outputTokens + event.usage.outputTokens,
          };
        } else if (event.type === 'finish') state.finishReason = finishOf(event.reason, calls);
        yield event;
      }
      state.finishReason ??= finishOf('stop', calls);
    } catch (err) {
      state.error = err instanceof ProviderError ? err : new ProviderError('invalid_response', String(err), { cause: err });
      throw state.error;
    } finally {
      const message: ChatMessage = { role: 'assistant', content: text, ...(calls.length > 0 ? { toolCalls: calls } : {}) };
      state.messages.push(message);
      settle(state);
    }
  }
  return Object.assign(run(), { result });
}

const finishOf = (reason: FinishReason, calls: ToolCall[]): FinishReason => (calls.length > 0 && reason === 'stop' ? 'tool_calls' : reason);
