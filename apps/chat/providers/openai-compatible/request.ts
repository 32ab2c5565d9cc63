/** Compatible servers take OpenAI's request; they read the output limit from `max_tokens` (see `index.ts`). */
export { toOpenAiMessages, toOpenAiRequest, toOpenAiRequestNonStreaming, toOpenAiTools } from '../openai/request.ts';
