import type { ChatSettings } from '../config.ts';

/**
 * Chat settings for tests: only the offline local provider (unless `overrides` configure others), fast timeouts and
 * no retries waiting longer than a few ms, no MCP servers.
 * @example const settings = testChatSettings({ providers: { openai: { apiKey: 'test', baseURL: fake.baseURL, models: ['gpt-4o-mini'] } } });
 */
export function testChatSettings(overrides: Partial<ChatSettings> = {}): ChatSettings {
  return {
    providers: {},
    reliability: { firstEventTimeoutMs: 2_000, idleTimeoutMs: 2_000, maxAttempts: 2, baseDelayMs: 5, maxDelayMs: 50, failureThreshold: 10, cooldownMs: 200 },
    limits: { maxSteps: 4, turnTimeoutMs: 10_000 },
    mcpServers: [],
    ...overrides,
  };
}
