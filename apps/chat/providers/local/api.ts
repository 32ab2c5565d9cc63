/** Starts every reply of the local provider, so nobody mistakes it for a language model's answer. */
export const LOCAL_MARKER = '[GAIA local] ';

/** What the local provider says when it cannot answer: no model is configured, and how to configure one. */
export const NO_MODEL_CONFIGURED =
  'No language model is configured, so I can only look things up in the knowledge base. To get real answers, set ' +
  'OPENAI_API_KEY, ANTHROPIC_API_KEY, or OPENAI_COMPATIBLE_BASE_URL (for Ollama, vLLM, LM Studio or OpenRouter) ' +
  'and restart the chat service.';

export const LOCAL_PROVIDER = 'local';
export const LOCAL_MODEL = 'gaia-local';
export const KB_CONTEXT_TOOL = 'kb_context';

/** The offline provider needs no client: only what to call its model and tool, and how much to quote. */
export interface LocalSettings {
  /** Default {@link LOCAL_MODEL}. */
  model?: string;
  /** The knowledge-base tool it calls. Default {@link KB_CONTEXT_TOOL}. */
  kbTool?: string;
  /** Passages quoted in a reply. Default 3. */
  maxPassages?: number;
  /** Characters quoted from each passage. Default 200. */
  excerptChars?: number;
}

/** Rough token count for usage: ≈ 4 characters a token. */
export const estimateTokens = (text: string): number => Math.ceil(text.length / 4);
