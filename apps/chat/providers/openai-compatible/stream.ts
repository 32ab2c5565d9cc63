/** Compatible servers stream OpenAI's chunks (tool calls without ids get `call_<index>`). */
export { openAiStreamEvents } from '../openai/stream.ts';
