/**
 * The chat service's one internal message format, and what flows between providers, the tool loop, the store and
 * the routes. Providers translate to and from it (`providers/<name>/`); routes translate it to GAIA's and OpenAI's
 * wire formats.
 */

export type MessageRole = 'system' | 'user' | 'assistant' | 'tool';

/** A tool call as the model made it: `arguments` is the JSON text the model produced (it may be malformed). */
export interface ToolCall {
  id: string;
  name: string;
  arguments: string;
}

export interface ChatMessage {
  role: MessageRole;
  /** Text; '' for an assistant message that only calls tools. */
  content: string;
  /** assistant: the tools it called. */
  toolCalls?: ToolCall[];
  /** tool: which call this answers. */
  toolCallId?: string;
  /** tool: the tool's name. */
  name?: string;
  /** tool: the result is an error message the model should see. */
  isError?: boolean;
}

export interface Usage {
  inputTokens: number;
  outputTokens: number;
}

/** A tool offered to the model: name, description and a JSON Schema (type object) for its arguments. */
export interface ToolSpec {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
}

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'error';

/** What a provider streams; every provider emits the same events whatever its wire protocol. */
export type ProviderEvent =
  | { type: 'text'; text: string }
  /** A complete tool call (providers assemble streamed argument deltas before emitting it). */
  | { type: 'tool_call'; call: ToolCall }
  | { type: 'usage'; usage: Usage }
  | { type: 'finish'; reason: FinishReason };

export interface ProviderRequest {
  /** The provider's own model id (e.g. `gpt-4o-mini`, `claude-sonnet-4-5`, `llama3.1`). */
  model: string;
  /** Includes the system prompt as a leading `system` message when there is one. */
  messages: ChatMessage[];
  tools?: ToolSpec[];
  maxTokens?: number;
  temperature?: number;
  /** Aborted when the client goes away or the request times out: the provider request must stop. */
  signal: AbortSignal;
}

export interface ModelInfo {
  /** What callers pass as `model`: `<provider>/<model>` or a configured alias. */
  id: string;
  provider: string;
  /** The provider's own model id. */
  model: string;
  /** Whether the model can call tools. */
  tools: boolean;
}

/** One provider adapter (openai, anthropic, openai-compatible, local). */
export interface ChatProvider {
  readonly name: string;
  stream(request: ProviderRequest): AsyncIterable<ProviderEvent>;
}

export type ProviderErrorKind =
  | 'rate_limited' // 429
  | 'server' // 5xx, overloaded
  | 'timeout' // no first byte / stalled stream within the timeout
  | 'network' // connection refused, reset
  | 'auth' // 401/403 from the provider: our configuration
  | 'bad_request' // 400/404/422: the request (e.g. unknown model at the provider)
  | 'invalid_response' // not the protocol (bad JSON, unexpected shape)
  | 'aborted' // the caller went away
  | 'circuit_open'; // the breaker refuses calls for now

/** Why a provider call failed. `retryable` ones are retried with backoff and then fall back. */
export class ProviderError extends Error {
  constructor(
    readonly kind: ProviderErrorKind,
    message: string,
    readonly options: { status?: number; retryAfterMs?: number; provider?: string; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ProviderError';
  }

  get retryable(): boolean {
    return this.kind === 'rate_limited' || this.kind === 'server' || this.kind === 'timeout' || this.kind === 'network';
  }
}
