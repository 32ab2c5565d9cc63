import { type ChatProvider, ProviderError, type ProviderEvent, type ProviderRequest, type ToolCall, type Usage } from '../engine/types.ts';

/**
 * One thing a scripted turn does: emit a provider event, wait (`delay`, cut short by the request's abort),
 * `hang` until aborted (or forever with `ignoreAbort`, like a provider that never checks its signal), or `throw`.
 */
export type ScriptStep =
  | ProviderEvent
  | { type: 'delay'; ms: number }
  | { type: 'hang'; ignoreAbort?: boolean }
  | { type: 'throw'; error: Error };

/** A turn: its steps, or a function of the request that returns them (to answer from what the loop sent). */
export type ScriptedTurn = ScriptStep[] | ((request: ProviderRequest) => ScriptStep[]);

export interface ScriptedProvider extends ChatProvider {
  /** Every request received, in order (messages and tools copied as they were at the call). */
  readonly requests: ProviderRequest[];
  /** Turns not played yet. */
  remaining(): number;
}

const DEFAULT_USAGE: Usage = { inputTokens: 10, outputTokens: 5 };

/**
 * A turn that streams `text` (split into `chunks` pieces), then usage and `finish: stop`.
 * @example scriptedProvider([textTurn('Hello there')])
 */
export function textTurn(text: string, options: { chunks?: number; usage?: Usage } = {}): ScriptStep[] {
  const size = Math.max(1, Math.ceil(text.length / (options.chunks ?? 2)));
  const pieces: ScriptStep[] = [];
  for (let i = 0; i < text.length; i += size) pieces.push({ type: 'text', text: text.slice(i, i + size) });
  return [...pieces, { type: 'usage', usage: options.usage ?? DEFAULT_USAGE }, { type: 'finish', reason: 'stop' }];
}

/**
 * A turn that calls tools (arguments given as objects are JSON-encoded; strings are sent as they are, to script
 * malformed arguments), optionally after some text, then usage and `finish: tool_calls`.
 * @example toolTurn([{ name: 'kb_search', arguments: { query: 'deploy' } }])
 */
export function toolTurn(
  calls: { id?: string; name: string; arguments: unknown }[],
  options: { text?: string; usage?: Usage } = {},
): ScriptStep[] {
  const events: ScriptStep[] = options.text ? [{ type: 'text', text: options.text }] : [];
  for (const [i, call] of calls.entries()) {
    const toolCall: ToolCall = {
      id: call.id ?? `call_${i + 1}_${Math.random().toString(36).slice(2, 8)}`,
      name: call.name,
      arguments: typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments),
    };
    events.push({ type: 'tool_call', call: toolCall });
  }
  return [...events, { type: 'usage', usage: options.usage ?? DEFAULT_USAGE }, { type: 'finish', reason: 'tool_calls' }];
}

const abortedError = () => new ProviderError('aborted', 'the request was aborted', { provider: 'scripted' });

function wait(ms: number, signal: AbortSignal | null): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortedError());
    const timer = ms === Number.POSITIVE_INFINITY ? undefined : setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(abortedError());
      },
      { once: true },
    );
  });
}

/**
 * A provider that plays `turns` in order, one per `stream` call, and records the requests — for tool-loop and
 * engine tests. A call with no turn left throws.
 * @example
 * const provider = scriptedProvider([toolTurn([{ name: 'kb_search', arguments: { query: 'x' } }]), textTurn('Done')]);
 */
export function scriptedProvider(turns: ScriptedTurn[], options: { name?: string } = {}): ScriptedProvider {
  const queue = [...turns];
  const requests: ProviderRequest[] = [];
  return {
    name: options.name ?? 'scripted',
    requests,
    remaining: () => queue.length,
    async *stream(request) {
      requests.push({ ...request, messages: request.messages.map((m) => ({ ...m })), ...(request.tools ? { tools: [...request.tools] } : {}) });
      const turn = queue.shift();
      if (turn === undefined) throw new Error(`scripted provider: no turn left for request ${requests.length}`);
      for (const step of typeof turn === 'function' ? turn(request) : turn) {
        if (step.type === 'delay') await wait(step.ms, request.signal);
        else if (step.type === 'hang') await wait(Number.POSITIVE_INFINITY, step.ignoreAbort ? null : request.signal);
        else if (step.type === 'throw') throw step.error;
        else {
          if (request.signal.aborted) throw abortedError();
          yield step;
        }
      }
    },
  };
}
