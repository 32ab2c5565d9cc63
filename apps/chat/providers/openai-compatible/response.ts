/** Compatible servers answer with OpenAI's completion object. */
export { fromOpenAiCompletion } from '../openai/response.ts';
