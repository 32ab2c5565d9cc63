import type { Principal } from '../../../lib/auth/types.ts';
import { TtlCache } from '../../../lib/cache/ttl-cache.ts';
import type { Logger } from '../../../lib/logging/logger.ts';
import type { ProviderRegistry, ResolvedModel } from '../providers/registry.ts';
import { getConversation, titleFromMessage } from '../store/conversations.ts';
import { historyFor } from '../store/messages.ts';
import { DEFAULT_PERSONA, getPersona, getPersonaByName, personaVisibleTo, personaViewer } from '../store/personas.ts';
import type { ChatStore } from '../store/store.ts';
import { startTurn } from '../store/turns.ts';
import type { Conversation, Persona, StoredMessage } from '../store/types.ts';
import { filterTools } from '../tools/filter.ts';
import { runToolLoop, type ToolLoop } from '../tools/loop.ts';
import type { Tool } from '../tools/types.ts';
import { type ChatEngine, type ChatRequest, ChatRequestError } from './engine.ts';
import type { ChatEvent, RouteType, Timings } from './events.ts';
import { directTurn } from './direct-turn.ts';
import { publicFailureMessage } from './failures.ts';
import { promptMessages, storedToolCalls } from './history.ts';
import { fallbackProvider } from './fallback-provider.ts';
import { storeReply } from './store-reply.ts';
import { type FinishReason, ProviderError, type ToolCall, type Usage } from './types.ts';
import { isUuid } from '../../../lib/db/uuid.ts';

export interface ChatEngineDeps {
  store: ChatStore;
  logger: Logger;
  registry: ProviderRegistry;
  /** The tools offered to `principal` (KB tools bound to the caller's identity, MCP tools, asset tools). */
  tools(principal: Principal, context: { conversationId: string; signal: AbortSignal }): Promise<Tool[]>;
  limits?: Partial<ChatLimits>;
  now?: () => number;
}

export interface ChatLimits {
  /** Provider calls per turn that may use tools. */
  maxSteps: number;
  /** Time budget of a whole turn (all steps and tools), ms. */
  turnTimeoutMs: number;
  /** Stored messages given to the model as history. */
  historyMessages: number;
}

const PERSONA_CACHE_MS = 5_000;
const DEFAULT_LIMITS: ChatLimits = { maxSteps: 5, turnTimeoutMs: 120_000, historyMessages: 40 };

/**
 * The chat engine: resolves conversation, persona and model; stores the user's message before any model work;
 * runs the tool loop over the model's fallback chain; streams events; stores the reply as it ends (complete, or
 * partial/error with what was produced when the provider fails, times out or the client goes away).
 * @example const engine = createChatEngine({ store, logger, registry, tools }); for await (const e of await engine.start(req)) ...
 */
export function createChatEngine(deps: ChatEngineDeps): ChatEngine {
  const limits = { ...DEFAULT_LIMITS, ...deps.limits };
  const now = deps.now ?? (() => performance.now());

  // Personas change rarely and are read on every turn: kept for a few seconds (an edit shows within that). By id the
  // cache holds the persona whoever owns it, and every use checks that the caller may see it; by name the key is the
  // caller's, as a name means the caller's own persona first, then the public one (`''`: public ones only).
  const personas = new TtlCache<string, Promise<Persona | null>>(1_000);
  const cachedPersona = (key: string, load: () => Promise<Persona | null>) => {
    const hit = personas.get(key);
    if (hit) return hit;
    const loading = load();
    personas.set(key, loading, PERSONA_CACHE_MS);
    // Misses and failures are not kept: a persona created a moment ago is usable at once.
    const forget = () => {
      if (personas.get(key) === loading) personas.delete(key);
    };
    loading.then((persona) => persona ?? forget(), forget);
    return loading;
  };
  const personaById = async (id: string, principal: Principal) => {
    const persona = await cachedPersona(`id:${id.toLowerCase()}`, () => getPersona(deps.store, id));
    return persona && personaVisibleTo(persona, personaViewer(principal)) ? persona : null;
  };
  const personaByName = (name: string, ownerId: string | null) =>
    cachedPersona(`name:${JSON.stringify([ownerId ?? '', name.toLowerCase()])}`, () => getPersonaByName(deps.store, name, ownerId));

  async function personaFor(request: ChatRequest, conversation: Conversation | null): Promise<Persona | null> {
    const { principal } = request;
    if (request.persona) {
      const found = isUuid(request.persona) ? await personaById(request.persona, principal) : await personaByName(request.persona, principal.userId);
      // Another user's private persona is answered exactly like an unknown one.
      if (!found?.isActive) throw new ChatRequestError('unknown_persona', 'Persona not found');
      return found;
    }
    if (conversation?.personaId) {
      const persona = await personaById(conversation.personaId, principal);
      if (persona) return persona;
    }
    return personaByName(DEFAULT_PERSONA, null);
  }

  /** The model for a turn, and whether it is the one the request named (only then is it kept on a new conversation). */
  function modelFor(request: ChatRequest, persona: Persona | null, conversation: Conversation | null): { resolved: ResolvedModel; requested: boolean } {
    const choices = [
      { source: 'request', id: request.model },
      { source: 'persona', id: persona?.defaultModel },
      { source: 'conversation', id: conversation?.model },
    ];
    if (request.modelPolicy !== 'preference') {
      const wanted = choices.find((choice) => choice.id)?.id ?? undefined;
      const resolved = deps.registry.resolve(wanted);
      if (!resolved) {
        throw new ChatRequestError('unknown_model', `Unknown model: ${wanted}. GET /v1/models lists the available models.`);
      }
      return { resolved, requested: request.model !== undefined };
    }
    const unserved: { source: string; id: string }[] = [];
    let chosen: { resolved: ResolvedModel; requested: boolean } | undefined;
    for (const { source, id } of choices) {
      if (!id) continue;
      const resolved = deps.registry.resolve(id);
      if (resolved) {
        chosen = { resolved, requested: source === 'request' };
        break;
      }
      unserved.push({ source, id });
    }
    chosen ??= { resolved: deps.registry.resolve()!, requested: false };
    for (const { source, id } of unserved) {
      // The requested name is the client's text: capped, as GAIA bodies may send anything there.
      deps.logger.info('model preference not served', { requestId: request.requestId, source, requested: id.slice(0, 200), instead: chosen.resolved.info.id });
    }
    return chosen;
  }

  return {
    async start(request) {
      const started = now();
      const owner = request.principal.userId;
      let conversation: Conversation | null = null;
      let history: StoredMessage[] = [];
      if (request.conversationId !== null) {
        if (!isUuid(request.conversationId)) throw new ChatRequestError('conversation_not_found', 'Conversation not found');
        // Both reads at once (a pool runs them in parallel); the history of a new conversation is known to be empty.
        [conversation, history] = await Promise.all([
          getConversation(deps.store, owner, request.conversationId),
          historyFor(deps.store, request.conversationId, { maxMessages: limits.historyMessages }),
        ]);
        if (!conversation) throw new ChatRequestError('conversation_not_found', 'Conversation not found');
      }
      const persona = await personaFor(request, conversation);
      const { resolved, requested } = modelFor(request, persona, conversation);
      const turn = await startTurn(deps.store, {
        ownerId: owner,
        conversation: conversation
          ? { id: conversation.id }
          : { title: titleFromMessage(request.message), personaId: persona?.id ?? null, model: requested ? resolved.info.id : null },
        message: request.message,
        reply: { model: resolved.info.id, provider: resolved.info.provider },
      });
      // Deleted between the read and the write.
      if (!turn) throw new ChatRequestError('conversation_not_found', 'Conversation not found');
      return runTurn({ request, conversation: turn.conversation, persona, resolved, history, replyId: turn.replyId, started });
    },
  };

  async function* runTurn(turn: {
    request: ChatRequest;
    conversation: Conversation;
    persona: Persona | null;
    resolved: ResolvedModel;
    history: StoredMessage[];
    replyId: string;
    started: number;
  }): AsyncGenerator<ChatEvent> {
    const { request, conversation, persona, resolved } = turn;
    const controller = new AbortController();
    const signal = AbortSignal.any([request.signal, controller.signal]);
    const log = deps.logger.child({ conversationId: conversation.id, requestId: request.requestId });
    let text = '';
    let answered = resolved;
    let announced = resolved;
    let routeType: RouteType = 'direct';
    let firstText: number | null = null;
    let llmStart = now();
    let outcome: { finishReason: FinishReason } | { error: unknown } | null = null;
    const calls: ToolCall[] = [];
    const chain = deps.registry.fallbackChain(resolved.info.id);
    const composite = fallbackProvider(chain, log, (entry) => {
      answered = entry;
    });
    const timings = (): Timings => {
      const end = now();
      return {
        routingMs: llmStart - turn.started,
        llmMs: end - llmStart,
        timeToFirstChunkMs: firstText === null ? null : Math.round(firstText - turn.started),
        totalMs: end - turn.started,
      };
    };

    let loop: ToolLoop | undefined;
    const openLoop = async (): Promise<ToolLoop> => {
      if (request.clientTools) {
        llmStart = now();
        return directTurn(composite, {
          model: resolved.model,
          messages: request.prompt ?? promptMessages(persona, turn.history, request.message),
          tools: request.clientTools,
          signal,
          ...(request.maxTokens !== undefined ? { maxTokens: request.maxTokens } : {}),
          ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
        });
      }
      const offered =
        request.tools === false || !resolved.info.tools
          ? []
          : filterTools(await deps.tools(request.principal, { conversationId: conversation.id, signal }), persona?.allowedTools ?? null);
      llmStart = now();
      return runToolLoop({
        provider: composite,
        model: resolved.model,
        messages: request.prompt ?? promptMessages(persona, turn.history, request.message),
        tools: offered,
        maxSteps: limits.maxSteps,
        deadlineMs: limits.turnTimeoutMs,
        signal,
        ...(request.maxTokens !== undefined ? { maxTokens: request.maxTokens } : {}),
        ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
      });
    };

    try {
      yield {
        type: 'start',
        conversationId: conversation.id,
        requestId: request.requestId ?? '',
        created: Math.floor(Date.now() / 1000),
        model: resolved.info.model,
      };
      loop = await openLoop();
      for await (const event of loop) {
        if ((event.type === 'text' || event.type === 'tool_call') && answered !== announced) {
          announced = answered;
          yield { type: 'model', model: answered.info.model, provider: answered.info.provider };
        }
        if (event.type === 'text') {
          firstText ??= now();
          text += event.text;
          yield { type: 'text', text: event.text };
        } else if (event.type === 'tool_call') {
          calls.push(event.call);
          routeType = request.clientTools ? 'tools' : event.call.name.startsWith('kb_') ? 'kb_tools' : event.call.name.includes('__') ? 'mcp_agent' : 'tools';
          yield { type: 'tool_call', call: event.call };
        } else if (event.type === 'tool_result') {
          yield { type: 'tool_result', callId: event.callId, name: event.name, content: event.content, isError: event.isError };
        } else if (event.type === 'tool_progress') {
          const { type: _type, ...update } = event;
          yield { type: 'tool_progress', ...update };
        } else if (event.type === 'finish') {
          outcome = { finishReason: event.reason };
        }
      }
      outcome ??= { finishReason: 'stop' };
    } catch (err) {
      outcome = { error: err };
    } finally {
      // Runs on success, on failure, and when the consumer stops early (client gone): stop the provider, store.
      controller.abort(new Error('chat turn ended'));
      const result = loop ? await loop.result : null;
      const usage: Usage = result?.usage ?? { inputTokens: 0, outputTokens: 0 };
      const failed = outcome === null || 'error' in outcome;
      const error =
        outcome && 'error' in outcome ? outcome.error : outcome === null ? new ProviderError('aborted', 'the client went away') : null;
      if (error) log.warn('chat reply failed', { error: error instanceof Error ? error.message : String(error), chars: text.length });
      await storeReply(deps.store, turn.replyId, conversation, {
        text,
        toolCalls: (result && storedToolCalls(result.messages)) ?? (calls.length > 0 ? calls : null),
        usage,
        status: failed ? (text === '' ? 'error' : 'partial') : 'complete',
        error: error ? publicFailureMessage(error) : null,
        answered,
      }).catch((err: unknown) => log.error('storing the reply failed', { err }));
      if (outcome && 'finishReason' in outcome) {
        yield {
          type: 'done',
          finishReason: outcome.finishReason,
          usage,
          model: answered.info.model,
          provider: answered.info.provider,
          routeType,
          timings: timings(),
          messageId: turn.replyId,
        };
      } else if (outcome && 'error' in outcome) {
        yield { type: 'error', message: publicFailureMessage(outcome.error), usage, timings: timings(), messageId: turn.replyId };
      }
    }
  }
}
