import type OpenAI from 'openai';
import { createOpenAiClient } from '../openai/api.ts';

/** An OpenAI-protocol server: Ollama (`http://127.0.0.1:11434/v1`), vLLM, LM Studio, OpenRouter. */
export interface OpenAiCompatibleSettings {
  /** Including the version path, e.g. `http://127.0.0.1:11434/v1`. */
  baseURL: string;
  /** Omit for servers without auth: then no `Authorization` header is sent. */
  apiKey?: string;
  models: string[];
  /** A label for the server (`ollama`, `openrouter`); `<name>/<model>` then also resolves. */
  name?: string;
  headers?: Record<string, string>;
  /** Default true; false for servers that cannot stream tool calls. */
  stream?: boolean;
  timeoutMs?: number;
}

export function createOpenAiCompatibleClient(settings: OpenAiCompatibleSettings): OpenAI {
  return createOpenAiClient(settings);
}
