import type { IdentityTokens } from '../../lib/auth/identity-tokens.ts';
import type { InternalTokenVerifier } from '../../lib/auth/internal-token.ts';
import type { Kv } from '../../lib/kv/types.ts';
import { type SqlServiceDeps, startSchema } from '../../lib/platform/sql-schema.ts';
import { chatMigrationsFor } from './db/migrations.ts';
import { withIdentity } from '../../lib/service/identity-client.ts';
import type { ServiceClient } from '../../lib/service/types.ts';
import type { ChatSettings } from './config.ts';
import { createChatEngine } from './engine/chat-engine.ts';
import type { ChatEngine } from './engine/engine.ts';
import type { ModelInfo } from './engine/types.ts';
import { createProviderRegistry } from './providers/registry.ts';
import { seedPersonas } from './store/personas.ts';
import { type ChatStore, createChatStore } from './store/store.ts';
import { type AssetToolHook, assetTools, noAssetTools } from './tools/asset.ts';
import { kbTools } from './tools/kb.ts';
import { connectMcpTools } from './tools/mcp.ts';

/** What the chat service needs; built once per process by an entry file (Node alone, all-in-one, tests). */
export interface ChatDeps extends SqlServiceDeps {
  kv: Kv;
  /** Verifies the gateway's internal identity tokens (audience `chat`); see `internalVerifierFor`. */
  internalVerifier: InternalTokenVerifier;
  /** Conversations, messages, personas and usage in the service's schema. */
  store: ChatStore;
  /** Runs chat turns: persona, model, history, tools, streaming, persistence. */
  engine: ChatEngine;
  /** The models callers may choose (`GET /v1/models`). */
  models(): ModelInfo[];
  /** The id of the model used when a request names none. */
  defaultModel(): string;
}

export interface ChatDepsInput extends SqlServiceDeps {
  kv: Kv;
  internalVerifier: InternalTokenVerifier;
  settings: ChatSettings;
  /** The kb service; its tools are called with the chatting user's identity, signed with `identityTokens`. */
  kb: ServiceClient;
  /** Signs identity tokens for calls made on a user's behalf; without it there are no KB tools. */
  identityTokens?: IdentityTokens;
  /** SQL schema (default `chat`; tests use their own). */
  schema?: string;
  /** The asset service; with `identityTokens`, its tool (`generate_asset`) is offered, called as the chatting user. */
  asset?: ServiceClient;
  /** Replaces the asset tools built from `asset` (tests). */
  assetTools?: AssetToolHook;
}

/**
 * Wires the store, the provider registry (with reliability), the tool sources (KB as the caller, MCP servers, the
 * asset hook) and the engine. `close()` disconnects the MCP clients.
 * @example const deps = createChatDeps({ ...base, settings: chatSettings(config), kb: services.kb, identityTokens });
 */
export function createChatDeps(input: ChatDepsInput): ChatDeps & { close(): Promise<void> } {
  const { settings, kb, asset, identityTokens, schema, assetTools: assetToolsOverride, ...base } = input;
  const offerAssetTools: AssetToolHook =
    assetToolsOverride ?? (asset && identityTokens ? ({ principal }) => assetTools(withIdentity(asset, identityTokens, principal)) : noAssetTools);
  const store = createChatStore(base.db, schema ?? 'chat');
  const registry = createProviderRegistry(settings.providers, { reliability: settings.reliability });
  const mcp = connectMcpTools(settings.mcpServers, { logger: base.logger });
  if (!identityTokens) base.logger.warn('INTERNAL_SIGNING_KEY is not set: chat cannot call the knowledge base for users, so KB tools are off');
  const engine = createChatEngine({
    store,
    logger: base.logger,
    registry,
    limits: settings.limits,
    async tools(principal, context) {
      return [
        ...(identityTokens ? kbTools(withIdentity(kb, identityTokens, principal)) : []),
        ...(await mcp.tools({ signal: context.signal })),
        ...offerAssetTools({ principal, conversationId: context.conversationId }),
      ];
    },
  });
  return {
    ...base,
    store,
    engine,
    models: () => registry.models(),
    defaultModel: () => registry.defaultModel().id,
    close: () => mcp.close(),
  };
}

/** Background start-up: the schema's migrations, then the default personas; `/ready` is 503 until both are done. */
export async function startChat(deps: SqlServiceDeps & { store: ChatStore }): Promise<void> {
  deps.readiness.pending('personas');
  await startSchema(deps, deps.store.schema, chatMigrationsFor(deps.store.schema));
  await deps.readiness.start('personas', async () => {
    await seedPersonas(deps.store);
  });
}
