import {
  type ChatMessage,
  type ChatProvider,
  type FinishReason,
  ProviderError,
  type ProviderEvent,
  type ProviderRequest,
  type ToolCall,
  type Usage,
} from '../engine/types.ts';
import { abortable, raceAbort } from './abort.ts';
import { type Tool, type ToolOutput, type ToolProgress, type ToolSet, toolError, toolSet } from './types.ts';

export interface ToolLoopOptions {
  provider: ChatProvider;
  /** The provider's own model id. */
  model: string;
  /** The conversation so far (system prompt first when there is one). Not modified. */
  messages: readonly ChatMessage[];
  tools: readonly Tool[];
  /** Provider calls that may use tools (default 5); after that, one last call without tools so the model answers. */
  maxSteps?: number;
  /** Overall time budget in ms: past it the loop fails with `ProviderError('timeout')`. */
  deadlineMs?: number;
  /** The caller going away: the loop fails with `ProviderError('aborted')`. */
  signal?: AbortSignal;
  maxTokens?: number;
  temperature?: number;
  /** Longest one tool call may take before it becomes a tool error (default 30 000 ms). */
  toolTimeoutMs?: number;
  /** Longest tool result handed to the model, in characters (default 16 000); longer ones are cut. */
  maxToolResultChars?: number;
}

export interface ToolResultEvent {
  type: 'tool_result';
  callId: string;
  name: string;
  content: string;
  isError: boolean;
}

/** A running tool's progress (see `ToolContext.progress`), streamed as it comes. */
export interface ToolProgressEvent extends ToolProgress {
  type: 'tool_progress';
  callId: string;
  name: string;
}

/**
 * What the loop streams: the provider's `text`, `tool_call` and per-step `usage` events, `tool_progress` while tools
 * run, a `tool_result` per call, a `step` (1-based) before each provider call, and ONE `finish` at the very end
 * (intermediate `tool_calls` finishes are not passed on).
 */
export type LoopEvent = ProviderEvent | ToolResultEvent | ToolProgressEvent | { type: 'step'; step: number };

export interface ToolLoopResult {
  /** The messages the loop added, in order: assistant messages (with `toolCalls`), tool messages, the answer. */
  messages: ChatMessage[];
  /** Summed over every step. */
  usage: Usage;
  /** Provider calls made. */
  steps: number;
  /** null when the loop did not finish (error, or the consumer stopped iterating). */
  finishReason: FinishReason | null;
  /** Why the loop failed (also thrown from the iteration). */
  error?: ProviderError;
}

/** The loop's events; `result` settles (never rejects) once iteration ends, for storing the transcript. */
export interface ToolLoop extends AsyncIterable<LoopEvent> {
  readonly result: Promise<ToolLoopResult>;
}

const DEFAULTS = { maxSteps: 5, toolTimeoutMs: 30_000, maxToolResultChars: 16_000 };

type ParsedArguments = { ok: true; value: Record<string, unknown> } | { ok: false; message: string };

/** A model's argument text as a JSON object ('' counts as `{}`). */
export function parseToolArguments(text: string): ParsedArguments {
  if (text.trim() === '') return { ok: true, value: {} };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, message: `Invalid arguments: not valid JSON (${err instanceof Error ? err.message : String(err)}). Send a JSON object matching the tool's parameters.` };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { ok: false, message: 'Invalid arguments: expected a JSON object' };
  return { ok: true, value: value as Record<string, unknown> };
}

const capped = (output: ToolOutput, max: number): ToolOutput =>
  output.content.length <= max ? output : { ...output, content: `${output.content.slice(0, max)}… [truncated: ${output.content.length - max} more characters]` };

/** Runs one call: unknown tools, malformed arguments, failures and timeouts are tool errors; only the loop's abort throws. */
async function runCall(
  tools: ToolSet,
  call: ToolCall,
  signal: AbortSignal,
  options: typeof DEFAULTS,
  progress: (update: ToolProgress) => void,
): Promise<ToolOutput> {
  const tool = tools.get(call.name);
  if (!tool) return toolError(`Unknown tool "${call.name}". Available tools: ${tools.names.join(', ') || 'none'}`);
  const args = parseToolArguments(call.arguments);
  if (!args.ok) return toolError(args.message);
  const toolSignal = AbortSignal.any([signal, AbortSignal.timeout(options.toolTimeoutMs)]);
  try {
    return capped(await raceAbort(tool.run(args.value, { signal: toolSignal, progress }), toolSignal), options.maxToolResultChars);
  } catch (err) {
    if (signal.aborted) throw signal.reason;
    if (toolSignal.aborted) return toolError(`Tool ${call.name} did not answer within ${options.toolTimeoutMs} ms`);
    return toolError(`Tool ${call.name} failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/**
 * Keeps a failed loop's transcript storable and replayable: calls left without results get error results, and text
 * streamed before the failure (which the user saw) is kept as the assistant's partial answer.
 */
function closeTranscript(messages: ChatMessage[], text: string, pending: PendingCall[], error: ProviderError): void {
  for (const { call, output } of pending) messages.push(toolMessage(call, output ?? toolError(`Not completed: ${error.message}`)));
  if (text !== '') messages.push({ role: 'assistant', content: text });
}

type PendingCall = { call: ToolCall; output?: ToolOutput };

/**
 * Runs `work`, yielding what it reports while it runs, and returns once it settled (rethrowing its failure, or
 * `signal`'s reason as soon as it aborts).
 */
async function* whileRunning(
  signal: AbortSignal,
  work: (report: (event: ToolProgressEvent) => void) => Promise<unknown>,
): AsyncGenerator<ToolProgressEvent> {
  const queue: ToolProgressEvent[] = [];
  let wake: (() => void) | undefined;
  let settled = false;
  const done = raceAbort(
    work((event) => {
      queue.push(event);
      wake?.();
    }),
    signal,
  ).finally(() => {
    settled = true;
    wake?.();
  });
  done.catch(() => {}); // awaited below; never unhandled meanwhile
  while (!settled || queue.length > 0) {
    const next = queue.shift();
    if (next) yield next;
    else await new Promise<void>((resolve) => (wake = resolve));
    wake = undefined;
  }
  await done;
}

const toolMessage = (call: ToolCall, output: ToolOutput): ChatMessage => ({
  role: 'tool',
  toolCallId: call.id,
  name: call.name,
  content: output.content,
  isError: output.isError,
});

/** The loop's error: our own abort/deadline reason wins over whatever the provider threw when it was cut off. */
function loopError(err: unknown, signal: AbortSignal): ProviderError {
  if (signal.aborted && signal.reason instanceof ProviderError) return signal.reason;
  if (err instanceof ProviderError) return err;
  return new ProviderError('invalid_response', err instanceof Error ? err.message : String(err), { cause: err });
}

async function* steps(options: ToolLoopOptions, state: ToolLoopResult): AsyncGenerator<LoopEvent> {
  const settings = {
    maxSteps: options.maxSteps ?? DEFAULTS.maxSteps,
    toolTimeoutMs: options.toolTimeoutMs ?? DEFAULTS.toolTimeoutMs,
    maxToolResultChars: options.maxToolResultChars ?? DEFAULTS.maxToolResultChars,
  };
  const controller = new AbortController();
  const signal = controller.signal;
  const onAbort = () => controller.abort(new ProviderError('aborted', 'the request was aborted', { cause: options.signal?.reason }));
  if (options.signal?.aborted) onAbort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const deadline =
    options.deadlineMs === undefined
      ? undefined
      : setTimeout(() => controller.abort(new ProviderError('timeout', `no answer within the ${options.deadlineMs} ms deadline`)), options.deadlineMs);
  const tools = toolSet(options.tools);
  const specs = tools.specs();
  let text = '';
  let pending: PendingCall[] = [];
  try {
    for (let step = 1; ; step++) {
      signal.throwIfAborted();
      const offerTools = specs.length > 0 && step <= settings.maxSteps;
      state.steps = step;
      yield { type: 'step', step };
      const request: ProviderRequest = {
        model: options.model,
        messages: [...options.messages, ...state.messages],
        signal,
        ...(offerTools ? { tools: specs } : {}),
        ...(options.maxTokens === undefined ? {} : { maxTokens: options.maxTokens }),
        ...(options.temperature === undefined ? {} : { temperature: options.temperature }),
      };
      text = '';
      let finish: FinishReason = 'stop';
      const calls: ToolCall[] = [];
      for await (const event of abortable(options.provider.stream(request), signal)) {
        if (event.type === 'finish') finish = event.reason;
        else if (event.type === 'usage') {
          state.usage.inputTokens += event.usage.inputTokens;
          state.usage.outputTokens += event.usage.outputTokens;
          yield event;
        } else if (event.type === 'text') {
          text += event.text;
          yield event;
        } else if (offerTools) {
          calls.push(event.call);
          yield event;
        }
      }
      if (calls.length === 0) {
        state.messages.push({ role: 'assistant', content: text });
        state.finishReason = finish === 'tool_calls' ? 'stop' : finish;
        yield { type: 'finish', reason: state.finishReason };
        return;
      }
      state.messages.push({ role: 'assistant', content: text, toolCalls: calls });
      text = '';
      pending = calls.map((call) => ({ call }));
      const running = pending;
      yield* whileRunning(signal, (report) =>
        Promise.all(
          running.map(async (entry) => {
            const { id: callId, name } = entry.call;
            entry.output = await runCall(tools, entry.call, signal, settings, (update) => report({ type: 'tool_progress', callId, name, ...update }));
          }),
        ),
      );
      const results = pending.map(({ call, output }) => toolMessage(call, output!));
      state.messages.push(...results);
      pending = [];
      for (const { toolCallId, name, content, isError } of results) {
        yield { type: 'tool_result', callId: toolCallId!, name: name!, content, isError: isError! };
      }
    }
  } catch (err) {
    state.error = loopError(err, signal);
    closeTranscript(state.messages, text, pending, state.error);
    throw state.error;
  } finally {
    clearTimeout(deadline);
    options.signal?.removeEventListener('abort', onAbort);
    if (!signal.aborted) controller.abort(new ProviderError('aborted', 'the tool loop ended'));
  }
}

/**
 * The multi-step tool loop: streams the provider; when a step ends with tool calls, runs them in parallel, appends
 * the assistant message and the tool results to the conversation and calls the provider again — at most `maxSteps`
 * times with tools, then once without so the model answers. Tool problems (unknown tool, malformed arguments,
 * failures, timeouts) go back to the model as tool errors; the deadline and the caller's abort end the loop with a
 * `ProviderError` (`timeout`, `aborted`), as do provider failures.
 * @example
 * const loop = runToolLoop({ provider, model: 'gpt-4o-mini', messages, tools, deadlineMs: 60_000, signal });
 * for await (const event of loop) if (event.type === 'text') write(event.text);
 * const { messages: added, usage } = await loop.result;
 */
export function runToolLoop(options: ToolLoopOptions): ToolLoop {
  const state: ToolLoopResult = { messages: [], usage: { inputTokens: 0, outputTokens: 0 }, steps: 0, finishReason: null };
  let settle: (result: ToolLoopResult) => void = () => {};
  const result = new Promise<ToolLoopResult>((resolve) => {
    settle = resolve;
  });
  let iterated = false;
  return {
    result,
    async *[Symbol.asyncIterator]() {
      if (iterated) throw new Error('a tool loop can be iterated only once');
      iterated = true;
      try {
        yield* steps(options, state);
      } finally {
        settle({ ...state, messages: [...state.messages], usage: { ...state.usage } });
      }
    },
  };
}
