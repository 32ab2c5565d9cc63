import type { OpenAPIHono } from '@hono/zod-openapi';
import { createIdentityTokens } from '../../../lib/auth/identity-tokens.ts';
import { createInternalTokenVerifier } from '../../../lib/auth/internal-token.ts';
import { generateSigningKey, type SigningKey } from '../../../lib/auth/signing-keys.ts';
import type { Principal } from '../../../lib/auth/types.ts';
import type { Db } from '../../../lib/db/types.ts';
import type { AppEnv } from '../../../lib/http/env.ts';
import { inProcessClient } from '../../../lib/service/client.ts';
import type { ServiceClient } from '../../../lib/service/types.ts';
import { dropSchema, uniqueSchema } from '../../../lib/testing/db.ts';
import { createTestRuntime, type TestRuntime } from '../../../lib/testing/harness.ts';
import { type InternalCaller, internalCaller } from '../../../lib/testing/internal-caller.ts';
import { createApp } from '../app.ts';
import type { ChatSettings } from '../config.ts';
import { type ChatDeps, createChatDeps, startChat } from '../deps.ts';
import { testChatSettings } from './settings.ts';

export interface ChatTestApp extends InternalCaller {
  app: OpenAPIHono<AppEnv>;
  deps: ChatDeps;
  runtime: TestRuntime;
  /** The key identity tokens are signed with (the kb test app must trust it for KB tools). */
  key: SigningKey;
  close(): Promise<void>;
}

export interface ChatTestAppOptions {
  db?: Db;
  settings?: Partial<ChatSettings>;
  /** The kb service the KB tools call (default: one that answers 503). */
  kb?: ServiceClient;
  /** Sign identity tokens (for chat and kb) with this key. */
  key?: SigningKey;
}

/** A chat user principal with `roles` (default `user`). */
export function chatUser(roles: Principal['roles'] = ['user'], userId: string = crypto.randomUUID()): Principal {
  return { userId, email: `${userId.slice(0, 8)}@example.com`, roles, authType: 'jwt' };
}

/**
 * The chat service alone on a test runtime, called with internal tokens as the gateway would send them.
 * @example const t = await createChatTestApp(); const res = await t.call(chatUser(), 'POST', '/api/v0.3/chat', { message: 'hi' });
 */
export async function createChatTestApp(options: ChatTestAppOptions = {}): Promise<ChatTestApp> {
  const runtime = await createTestRuntime(options.db ? { db: options.db } : {});
  const key = options.key ?? (await generateSigningKey('chat-test'));
  const schema = runtime.db.kind === 'postgres' ? uniqueSchema('chat_t') : 'chat';
  const deps = createChatDeps({
    logger: runtime.logger,
    readiness: runtime.readiness,
    db: runtime.db,
    kv: runtime.kv,
    internalVerifier: createInternalTokenVerifier({ audience: 'chat', jwks: { keys: [key.publicJwk] } }),
    settings: testChatSettings(options.settings),
    kb: options.kb ?? inProcessClient('kb', async () => Response.json({ error: { code: 'NOT_READY', message: 'no kb here' } }, { status: 503 })),
    identityTokens: createIdentityTokens(key),
    schema,
  });
  const app = createApp(deps);
  await startChat(deps);
  return {
    app,
    deps,
    runtime,
    key,
    ...internalCaller(app, key, 'chat'),
    async close() {
      await deps.close();
      if (runtime.db.kind === 'postgres') await dropSchema(runtime.db, schema);
      await runtime.close();
    },
  };
}
