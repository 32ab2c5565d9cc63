import { z } from 'zod';
import { CommonConfigSchema, commonChecks } from '../lib/config/common.ts';
import { AssetFields, assetChecks } from '../apps/asset/config.ts';
import { AuthFields, authChecks } from '../apps/auth/config.ts';
import { GatewayBehaviourFields } from '../apps/gateway/config.ts';
import { ChatFields, chatChecks } from '../apps/chat/config.ts';
import { KbFields, kbChecks } from '../apps/kb/config.ts';
import { bool, port } from '../lib/config/fields.ts';

/**
 * `npm start`: the whole platform in one process. Only the gateway and the web UI listen by default; with
 * `EXPOSE_SERVICES=true` the internal services also listen on 8001-8004 for debugging.
 */
export const AllInOneConfigSchema = CommonConfigSchema.omit({ PORT: true })
  .extend({
    ...GatewayBehaviourFields,
    ...AuthFields,
    ...KbFields,
    ...ChatFields,
    ...AssetFields,
    // On a laptop nobody reads the outbox to confirm an address: sign-ups get a session at once unless asked.
    REQUIRE_EMAIL_CONFIRMATION: bool(false),
    HOST: z.string().default('127.0.0.1'),
    GATEWAY_PORT: port(8666),
    WEB_PORT: port(8080),
    EXPOSE_SERVICES: bool(false),
    PUBLIC_GATEWAY_URL: z.url({ message: 'must be the gateway URL as browsers reach it' }).optional(),
  })
  .superRefine((config, ctx) => {
    commonChecks(config, ctx);
    authChecks(config, ctx);
    kbChecks(config, ctx);
    chatChecks(config, ctx);
    assetChecks(config, ctx);
  });

export type AllInOneConfig = z.infer<typeof AllInOneConfigSchema>;
