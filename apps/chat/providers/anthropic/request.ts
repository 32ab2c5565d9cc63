import type {
  ContentBlockParam,
  MessageCreateParamsNonStreaming,
  MessageCreateParamsStreaming,
  MessageParam,
  Tool,
} from '@anthropic-ai/sdk/resources/messages';
import type { ChatMessage, ProviderRequest, ToolCall, ToolSpec } from '../../engine/types.ts';

export const DEFAULT_MAX_TOKENS = 4096;

type Turn = { role: 'user' | 'assistant'; content: ContentBlockParam[] };

/** A tool call's JSON text as the object Anthropic wants; malformed or non-object arguments become `{}`. */
function toInput(call: ToolCall): Record<string, unknown> {
  try {
    const input: unknown = JSON.parse(call.arguments || '{}');
    return typeof input === 'object' && input !== null && !Array.isArray(input) ? (input as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function toBlocks(message: ChatMessage): ContentBlockParam[] {
  if (message.role === 'tool') {
    return [
      {
        type: 'tool_result',
        tool_use_id: message.toolCallId ?? '',
        content: message.content,
        ...(message.isError ? { is_error: true } : {}),
      },
    ];
  }
  const blocks: ContentBlockParam[] = message.content ? [{ type: 'text', text: message.content }] : [];
  for (const call of message.toolCalls ?? []) {
    blocks.push({ type: 'tool_use', id: call.id, name: call.name, input: toInput(call) });
  }
  return blocks;
}

/**
 * Chat messages as Anthropic's `system` + `messages`: system messages are joined into the system prompt, tool
 * results become `tool_result` blocks of a user turn, and consecutive turns of one role are merged (all results of
 * one assistant turn must share the next user message).
 */
export function toAnthropicMessages(messages: ChatMessage[]): { system: string | undefined; messages: MessageParam[] } {
  const system: string[] = [];
  const turns: Turn[] = [];
  for (const message of messages) {
    if (message.role === 'system') {
      if (message.content) system.push(message.content);
      continue;
    }
    const blocks = toBlocks(message);
    if (blocks.length === 0) continue;
    const role = message.role === 'assistant' ? 'assistant' : 'user';
    const last = turns.at(-1);
    if (last?.role === role) last.content.push(...blocks);
    else turns.push({ role, content: blocks });
  }
  return { system: system.length ? system.join('\n\n') : undefined, messages: turns };
}

export function toAnthropicTools(tools: ToolSpec[]): Tool[] {
  return tools.map((tool) => ({
    name: tool.name,
    description: tool.description,
    input_schema: { ...tool.parameters, type: 'object' },
  }));
}

function toAnthropicBody(request: ProviderRequest, defaultMaxTokens: number) {
  const { system, messages } = toAnthropicMessages(request.messages);
  return {
    model: request.model,
    max_tokens: request.maxTokens ?? defaultMaxTokens,
    messages,
    ...(system ? { system } : {}),
    ...(request.tools?.length ? { tools: toAnthropicTools(request.tools) } : {}),
    ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
  };
}

/**
 * A provider request as the body of a streamed `POST /v1/messages`.
 * @example client.messages.create(toAnthropicRequest(request), { signal: request.signal })
 */
export function toAnthropicRequest(request: ProviderRequest, defaultMaxTokens = DEFAULT_MAX_TOKENS): MessageCreateParamsStreaming {
  return { ...toAnthropicBody(request, defaultMaxTokens), stream: true };
}

export function toAnthropicRequestNonStreaming(
  request: ProviderRequest,
  defaultMaxTokens = DEFAULT_MAX_TOKENS,
): MessageCreateParamsNonStreaming {
  return { ...toAnthropicBody(request, defaultMaxTokens), stream: false };
}
