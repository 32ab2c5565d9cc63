import type {
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionCreateParamsStreaming,
  ChatCompletionFunctionTool,
  ChatCompletionMessageParam,
} from 'openai/resources/chat/completions';
import type { ChatMessage, ProviderRequest, ToolSpec } from '../../engine/types.ts';

/** Which field carries the output limit: OpenAI's current one, or the older one most compatible servers read. */
export type MaxTokensField = 'max_completion_tokens' | 'max_tokens';

/** A chat message in OpenAI's format; a tool error is marked in its text since the protocol has no flag for it. */
export function toOpenAiMessage(message: ChatMessage): ChatCompletionMessageParam {
  switch (message.role) {
    case 'system':
      return { role: 'system', content: message.content };
    case 'user':
      return { role: 'user', content: message.content };
    case 'assistant':
      if (!message.toolCalls?.length) return { role: 'assistant', content: message.content };
      return {
        role: 'assistant',
        content: message.content || null,
        tool_calls: message.toolCalls.map((call) => ({
          id: call.id,
          type: 'function',
          function: { name: call.name, arguments: call.arguments },
        })),
      };
    case 'tool':
      return {
        role: 'tool',
        tool_call_id: message.toolCallId ?? '',
        content: message.isError ? `Error: ${message.content}` : message.content,
      };
  }
}

export function toOpenAiMessages(messages: ChatMessage[]): ChatCompletionMessageParam[] {
  return messages.map(toOpenAiMessage);
}

export function toOpenAiTools(tools: ToolSpec[]): ChatCompletionFunctionTool[] {
  return tools.map((tool) => ({
    type: 'function',
    function: { name: tool.name, description: tool.description, parameters: tool.parameters },
  }));
}

/**
 * A provider request as the body of `POST /chat/completions`, streaming with a final usage chunk.
 * @example client.chat.completions.create(toOpenAiRequest(request), { signal: request.signal })
 */
export function toOpenAiRequest(
  request: ProviderRequest,
  maxTokensField: MaxTokensField = 'max_completion_tokens',
): ChatCompletionCreateParamsStreaming {
  return { ...toOpenAiBody(request, maxTokensField), stream: true, stream_options: { include_usage: true } };
}

/** The same body without streaming, for endpoints that cannot stream tool calls. */
export function toOpenAiRequestNonStreaming(
  request: ProviderRequest,
  maxTokensField: MaxTokensField = 'max_completion_tokens',
): ChatCompletionCreateParamsNonStreaming {
  return { ...toOpenAiBody(request, maxTokensField), stream: false };
}

function toOpenAiBody(request: ProviderRequest, maxTokensField: MaxTokensField) {
  return {
    model: request.model,
    messages: toOpenAiMessages(request.messages),
    ...(request.tools?.length ? { tools: toOpenAiTools(request.tools) } : {}),
    ...(request.maxTokens !== undefined ? { [maxTokensField]: request.maxTokens } : {}),
    ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
  };
}
