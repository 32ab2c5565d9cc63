import { z } from 'zod';
import { CommonConfigSchema, commonChecks } from '../../lib/config/common.ts';
import { DiscoveryFields } from '../../lib/config/discovery.ts';
import { bool, csv, jsonField, positiveInt } from '../../lib/config/fields.ts';
import { InternalKeyFields } from '../../lib/config/internal-key.ts';
import type { ReliabilityOptions } from './providers/reliability.ts';
import type { ProviderSettings } from './providers/registry.ts';
import { type McpServerConfig, McpServersSchema } from './tools/mcp.ts';

const httpUrl = (example: string) => z.url({ protocol: /^https?$/, message: `must be an http(s) URL, e.g. ${example}` }).optional();

const mcpServersJson = jsonField(McpServersSchema, '[{"name":"docs","url":"https://…/mcp","allowTools":["search"]}]');

/** The chat service's providers and limits, shared by its config and the all-in-one runner's. */
export const ChatFields = {
  OPENAI_API_KEY: z.string().optional(),
  OPENAI_BASE_URL: httpUrl('https://api.openai.com/v1'),
  OPENAI_MODELS: csv(),
  ANTHROPIC_API_KEY: z.string().optional(),
  ANTHROPIC_BASE_URL: httpUrl('https://api.anthropic.com'),
  ANTHROPIC_MODELS: csv(),
  OPENAI_COMPATIBLE_BASE_URL: httpUrl('http://127.0.0.1:11434/v1'),
  OPENAI_COMPATIBLE_API_KEY: z.string().optional(),
  OPENAI_COMPATIBLE_MODELS: csv(),
  OPENAI_COMPATIBLE_NAME: z.string().regex(/^[a-z0-9-]{1,32}$/, 'lowercase letters, digits and -, e.g. ollama').optional(),
  CHAT_DEFAULT_MODEL: z.string().optional(),
  CHAT_FALLBACK: bool(true),
  CHAT_FALLBACK_MODELS: csv(),
  CHAT_PROVIDER_TIMEOUT_MS: positiveInt(30_000),
  CHAT_PROVIDER_IDLE_TIMEOUT_MS: positiveInt(60_000),
  CHAT_PROVIDER_MAX_ATTEMPTS: positiveInt(3),
  CHAT_MAX_TOOL_STEPS: positiveInt(5),
  CHAT_TURN_TIMEOUT_MS: positiveInt(120_000),
  MCP_SERVERS: mcpServersJson,
};

type ChatFieldValues = z.infer<z.ZodObject<typeof ChatFields>>;

/** Cross-field rules of {@link ChatFields}. */
export function chatChecks(config: ChatFieldValues, ctx: z.RefinementCtx): void {
  if (config.OPENAI_COMPATIBLE_BASE_URL && !config.OPENAI_COMPATIBLE_MODELS?.length) {
    ctx.addIssue({ code: 'custom', message: 'list the models the server offers, e.g. llama3.1,qwen2.5', path: ['OPENAI_COMPATIBLE_MODELS'] });
  }
}

/** The chat service's environment. */
export const ChatConfigSchema = CommonConfigSchema.extend({ ...DiscoveryFields, ...InternalKeyFields, ...ChatFields }).superRefine(
  (config, ctx) => {
    commonChecks(config, ctx);
    chatChecks(config, ctx);
  },
);

export type ChatConfig = z.infer<typeof ChatConfigSchema>;

export interface ChatSettings {
  providers: ProviderSettings;
  reliability: Partial<ReliabilityOptions>;
  limits: { maxSteps: number; turnTimeoutMs: number };
  mcpServers: McpServerConfig[];
}

/**
 * Providers from config: OpenAI with `OPENAI_API_KEY` (models `OPENAI_MODELS`, default gpt-4o-mini, gpt-4o),
 * Anthropic with `ANTHROPIC_API_KEY`, any OpenAI-compatible server with `OPENAI_COMPATIBLE_BASE_URL`; the offline
 * local provider always.
 * @example const settings = chatSettings(config);
 */
export function chatSettings(config: ChatFieldValues): ChatSettings {
  const providers: ProviderSettings = {
    defaults: {
      ...(config.CHAT_DEFAULT_MODEL ? { model: config.CHAT_DEFAULT_MODEL } : {}),
      fallback: config.CHAT_FALLBACK,
      ...(config.CHAT_FALLBACK_MODELS?.length ? { fallbackModels: config.CHAT_FALLBACK_MODELS } : {}),
    },
  };
  if (config.OPENAI_API_KEY) {
    providers.openai = {
      apiKey: config.OPENAI_API_KEY,
      ...(config.OPENAI_BASE_URL ? { baseURL: config.OPENAI_BASE_URL } : {}),
      models: config.OPENAI_MODELS?.length ? config.OPENAI_MODELS : ['gpt-4o-mini', 'gpt-4o'],
    };
  }
  if (config.ANTHROPIC_API_KEY) {
    providers.anthropic = {
      apiKey: config.ANTHROPIC_API_KEY,
      ...(config.ANTHROPIC_BASE_URL ? { baseURL: config.ANTHROPIC_BASE_URL } : {}),
      models: config.ANTHROPIC_MODELS?.length ? config.ANTHROPIC_MODELS : ['claude-sonnet-4-6', 'claude-haiku-4-5'],
    };
  }
  if (config.OPENAI_COMPATIBLE_BASE_URL) {
    providers.openaiCompatible = {
      baseURL: config.OPENAI_COMPATIBLE_BASE_URL,
      models: config.OPENAI_COMPATIBLE_MODELS ?? [],
      ...(config.OPENAI_COMPATIBLE_API_KEY ? { apiKey: config.OPENAI_COMPATIBLE_API_KEY } : {}),
      ...(config.OPENAI_COMPATIBLE_NAME ? { name: config.OPENAI_COMPATIBLE_NAME } : {}),
    };
  }
  return {
    providers,
    reliability: {
      firstEventTimeoutMs: config.CHAT_PROVIDER_TIMEOUT_MS,
      idleTimeoutMs: config.CHAT_PROVIDER_IDLE_TIMEOUT_MS,
      maxAttempts: config.CHAT_PROVIDER_MAX_ATTEMPTS,
    },
    limits: { maxSteps: config.CHAT_MAX_TOOL_STEPS, turnTimeoutMs: config.CHAT_TURN_TIMEOUT_MS },
    mcpServers: config.MCP_SERVERS ?? [],
  };
}
