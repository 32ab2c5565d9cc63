import type { Context } from 'hono';
import type { Principal } from '../../../../lib/auth/types.ts';
import { GaiaError } from '../../../../lib/gaia/errors.ts';
import type { AppEnv } from '../../../../lib/http/env.ts';
import type { ChatDeps } from '../../deps.ts';
import { ChatRequestError, type ChatRequest } from '../../engine/engine.ts';
import type { ChatEvent } from '../../engine/events.ts';

export interface StartedChat {
  /** `chat-<uuid>`: the completion id and GAIA's `_metadata.request_id`. */
  completionId: string;
  events: AsyncIterable<ChatEvent>;
}

/**
 * Starts a chat turn for a GAIA route: the engine's refusals become GAIA errors (unknown, foreign or deleted
 * conversation → 404 `Conversation not found`; unknown persona, or one the caller may not see → 404 `Persona not
 * found`), and the turn is aborted when the client goes away. GAIA clients name models of their own: `model` is a
 * preference, and one this deployment does not serve is answered by the default (the engine logs it).
 */
export async function startGaiaChat(
  c: Context<AppEnv>,
  deps: ChatDeps,
  request: Omit<ChatRequest, 'signal' | 'requestId'> & { principal: Principal },
  key: 'detail' | 'error' = 'detail',
): Promise<StartedChat> {
  const completionId = `chat-${crypto.randomUUID()}`;
  try {
    const events = await deps.engine.start({ ...request, modelPolicy: 'preference', signal: c.req.raw.signal, requestId: completionId });
    return { completionId, events };
  } catch (err) {
    if (err instanceof ChatRequestError) {
      if (err.kind === 'conversation_not_found') throw new GaiaError(404, 'Conversation not found');
      if (err.kind === 'unknown_persona') throw new GaiaError(404, 'Persona not found', { key });
      // Not reached with a preference; GAIA's errors never name models in any case.
      throw new GaiaError(400, 'Unknown model: GET /api/v1/models lists the models you can use', { key });
    }
    throw err;
  }
}
