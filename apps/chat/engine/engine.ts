import type { Principal } from '../../../lib/auth/types.ts';
import type { ChatEvent } from './events.ts';
import type { ChatMessage, ToolSpec } from './types.ts';

/** One chat turn as the routes ask for it (already validated for shape). */
export interface ChatRequest {
  principal: Principal;
  /** An existing conversation of the caller, or null for a new one. */
  conversationId: string | null;
  message: string;
  /** `<provider>/<model>`, a bare model name, or absent (persona's default, then the platform default). */
  model?: string;
  /**
   * `strict` (default): a `model` this deployment does not serve is refused (`unknown_model`). `preference` (GAIA's
   * routes, whose clients name models of their own): such a model — or an unknown persona or conversation default —
   * is logged and skipped, and the next choice answers (persona default, conversation model, platform default).
   */
  modelPolicy?: 'strict' | 'preference';
  /** Persona id or name; absent = the conversation's, else the default persona. */
  persona?: string;
  maxTokens?: number;
  temperature?: number;
  /** Whether the model may use tools (GAIA's `use_kb: false` turns them off). Default true. */
  tools?: boolean;
  /** Aborted when the client goes away: the provider request stops and the reply is stored as partial. */
  signal: AbortSignal;
  /** Correlates logs; `chat-<uuid>` ids are derived from it. */
  requestId?: string;
  /**
   * OpenAI-style requests: the whole prompt as the client sent it (instead of the stored history, persona prompt and
   * `message`; `message` is still what is stored as the user's turn).
   */
  prompt?: ChatMessage[];
  /** OpenAI-style requests: the client's own tools; the model's calls go back to the client (our tools are off). */
  clientTools?: ToolSpec[];
}

export type ChatRequestErrorKind = 'conversation_not_found' | 'unknown_model' | 'unknown_persona';

/** Refusals found before anything streams (so routes answer them as ordinary JSON errors). */
export class ChatRequestError extends Error {
  constructor(
    readonly kind: ChatRequestErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'ChatRequestError';
  }
}

export interface ChatEngine {
  /**
   * Resolves the conversation (404-style {@link ChatRequestError} for unknown, foreign or deleted ids), the persona
   * and the model, stores the user's message, then returns the reply as events (`start` first, then text and tool
   * events, then `done` or `error`). The assistant message is stored as it ends: complete, or partial on error,
   * timeout or abort.
   */
  start(request: ChatRequest): Promise<AsyncIterable<ChatEvent>>;
}

/** GAIA's limits on a message. */
export const MAX_MESSAGE_CHARS = 32_000;
