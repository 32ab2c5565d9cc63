import { describe, expect, it } from 'vitest';
import { createProviderRegistry } from './registry.ts';

const all = {
  openai: { apiKey: 'sk', models: ['gpt-4o-mini', 'gpt-4.1'] },
  anthropic: { apiKey: 'sk-ant', models: ['claude-sonnet-4-5', 'gpt-4.1'] },
  openaiCompatible: { baseURL: 'http://127.0.0.1:11434/v1', models: ['llama3.1'], name: 'ollama' },
};

describe('createProviderRegistry', () => {
  it('offers only the local model when nothing is configured, and makes it the default', () => {
    const registry = createProviderRegistry({});
    expect(registry.models()).toEqual([{ id: 'local/gaia-local', provider: 'local', model: 'gaia-local', tools: true }]);
    expect(registry.defaultModel().id).toBe('local/gaia-local');
    expect(registry.resolve()?.provider.name).toBe('local');
    expect(registry.fallbackChain().map((e) => e.info.id)).toEqual(['local/gaia-local']);
  });

  it('resolves <provider>/<model>, an alias of the compatible server, and bare names when unique', () => {
    const registry = createProviderRegistry(all);
    expect(registry.models().map((m) => m.id)).toEqual([
      'openai/gpt-4o-mini',
      'openai/gpt-4.1',
      'anthropic/claude-sonnet-4-5',
      'anthropic/gpt-4.1',
      'openai-compatible/llama3.1',
      'local/gaia-local',
    ]);
    expect(registry.resolve('anthropic/claude-sonnet-4-5')).toMatchObject({ model: 'claude-sonnet-4-5', provider: { name: 'anthropic' } });
    expect(registry.resolve('openai-compatible/llama3.1')?.provider.name).toBe('openai-compatible');
    expect(registry.resolve('ollama/llama3.1')?.info.id).toBe('openai-compatible/llama3.1');
    expect(registry.resolve('gpt-4o-mini')?.info.id).toBe('openai/gpt-4o-mini');
    expect(registry.resolve('gaia-local')?.info.id).toBe('local/gaia-local');
    expect(registry.resolve('gpt-4.1')).toBeUndefined(); // ambiguous
    expect(registry.resolve('openai/gpt-5')).toBeUndefined();
    expect(registry.resolve('nope')).toBeUndefined();
  });

  it('defaults to the first configured real provider’s first model, or defaults.model', () => {
    expect(createProviderRegistry(all).defaultModel().id).toBe('openai/gpt-4o-mini');
    expect(createProviderRegistry({ openaiCompatible: all.openaiCompatible }).defaultModel().id).toBe('openai-compatible/llama3.1');
    expect(createProviderRegistry({ ...all, defaults: { model: 'llama3.1' } }).defaultModel().id).toBe('openai-compatible/llama3.1');
  });

  it('wraps real providers with reliability (a breaker each) and builds a fallback chain over the other providers', () => {
    const registry = createProviderRegistry(all);
    expect(registry.provider('openai')).toHaveProperty('breaker');
    expect(registry.provider('anthropic')).not.toBe(registry.provider('openai'));
    expect(registry.fallbackChain('anthropic/claude-sonnet-4-5').map((e) => e.info.id)).toEqual([
      'anthropic/claude-sonnet-4-5',
      'openai/gpt-4o-mini',
      'openai-compatible/llama3.1',
    ]);
    expect(registry.fallbackChain('local/gaia-local').map((e) => e.info.id)).toEqual(['local/gaia-local']);
    expect(createProviderRegistry({ ...all, defaults: { fallback: false } }).fallbackChain().map((e) => e.info.id)).toEqual(['openai/gpt-4o-mini']);
    expect(registry.fallbackChain('unknown')).toEqual([]);
    const explicit = createProviderRegistry({ ...all, defaults: { fallbackModels: ['llama3.1', 'nope', 'openai/gpt-4o-mini', 'local/gaia-local'] } });
    expect(explicit.fallbackChain('openai/gpt-4o-mini').map((e) => e.info.id)).toEqual(['openai/gpt-4o-mini', 'openai-compatible/llama3.1']);
  });
});
