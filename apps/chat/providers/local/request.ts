import type { ChatMessage, ProviderRequest, ToolCall } from '../../engine/types.ts';

/** What the local provider will do with a request. */
export type LocalPlan =
  | { kind: 'search'; call: ToolCall }
  | { kind: 'answer'; query: string; result: string; isError: boolean }
  | { kind: 'unconfigured' };

function queryOfCall(messages: ChatMessage[], callId: string | undefined): string | undefined {
  const call = messages.flatMap((m) => m.toolCalls ?? []).find((c) => c.id === callId);
  try {
    const args: unknown = JSON.parse(call?.arguments ?? '');
    const query = (args as { query?: unknown } | null)?.query;
    return typeof query === 'string' ? query : undefined;
  } catch {
    return undefined;
  }
}

function isResultOf(messages: ChatMessage[], message: ChatMessage, tool: string): boolean {
  if (message.name) return message.name === tool;
  return messages.some((m) => m.toolCalls?.some((c) => c.id === message.toolCallId && c.name === tool));
}

/**
 * Decides deterministically: the user asked and the KB tool is offered → call it with the user's text (matching any
 * of its words); the last
 * message is that tool's result → answer from it; anything else → say no model is configured.
 * @example toLocalPlan(request, 'kb_context') // { kind: 'search', call: { id: 'local-1', name: 'kb_context', ... } }
 */
export function toLocalPlan(request: ProviderRequest, kbTool: string): LocalPlan {
  const { messages } = request;
  const last = messages.at(-1);
  const offered = request.tools?.some((tool) => tool.name === kbTool) ?? false;
  if (!last) return { kind: 'unconfigured' };
  if (last.role === 'user' && offered && last.content.trim()) {
    const previousCalls = messages.reduce((n, m) => n + (m.toolCalls?.length ?? 0), 0);
    // A question in natural language: any of its meaningful words, best passages first (not all of its words).
    const call = { id: `local-${previousCalls + 1}`, name: kbTool, arguments: JSON.stringify({ query: last.content.trim(), match: 'any' }) };
    return { kind: 'search', call };
  }
  if (last.role === 'tool' && isResultOf(messages, last, kbTool)) {
    const lastUser = messages.findLast((m) => m.role === 'user')?.content.trim() ?? '';
    const query = queryOfCall(messages, last.toolCallId) ?? lastUser;
    return { kind: 'answer', query, result: last.content, isError: last.isError ?? false };
  }
  return { kind: 'unconfigured' };
}

/** Everything the model would read, for the usage estimate. */
export function requestText(request: ProviderRequest): string {
  return request.messages.map((m) => m.content + (m.toolCalls ?? []).map((c) => c.name + c.arguments).join('')).join('\n');
}
