import type { FinishReason, ToolCall, Usage } from './types.ts';

/** How a reply was produced, for GAIA's `_metadata.route_type`. */
export type RouteType = 'direct' | 'kb_tools' | 'mcp_agent' | 'tools';

export interface Timings {
  /** From the request to the first provider call (conversation, persona, history, tools). */
  routingMs: number;
  /** From the first provider call to the end of the reply. */
  llmMs: number;
  /** From the request to the first text. */
  timeToFirstChunkMs: number | null;
  totalMs: number;
}

/** What the engine streams to the routes, which translate it into GAIA's or OpenAI's wire format. */
export type ChatEvent =
  /** Sent before any model work: the conversation exists and the user's message is stored. */
  | { type: 'start'; conversationId: string; requestId: string; created: number; model: string }
  /** The model answering from here on, when it is not the one `start` named (a fallback took over). */
  | { type: 'model'; model: string; provider: string }
  | { type: 'text'; text: string }
  | { type: 'tool_call'; call: ToolCall }
  | { type: 'tool_result'; callId: string; name: string; content: string; isError: boolean }
  /** A tool still running reports how far it came (an asset being generated). */
  | { type: 'tool_progress'; callId: string; name: string; percent?: number; message?: string }
  | {
      type: 'done';
      finishReason: FinishReason;
      usage: Usage;
      /** The model and provider that actually answered (after any fallback). */
      model: string;
      provider: string;
      routeType: RouteType;
      timings: Timings;
      messageId: string;
    }
  /** The reply failed after it started; what was produced is stored as partial. */
  | { type: 'error'; message: string; usage: Usage; timings: Timings; messageId: string };
