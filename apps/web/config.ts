import { z } from 'zod';
import { CommonConfigSchema, commonChecks } from '../../lib/config/common.ts';
import { port } from '../../lib/config/fields.ts';

/** 32 random bytes, base64 (`openssl rand -base64 32`): the key that encrypts the session cookie. */
export const sessionKey = () =>
  z
    .string()
    .transform((text, ctx) => {
      const bytes = Uint8Array.from(atob(text.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
      if (bytes.length === 32) return bytes;
      ctx.addIssue({ code: 'custom', message: 'must be 32 random bytes in base64: openssl rand -base64 32' });
      return z.NEVER;
    })
    .optional();

/** The web UI's environment: where its server reaches the gateway, and the gateway URL browsers see. */
export const WebConfigSchema = CommonConfigSchema.extend({
  PORT: port(8080),
  GATEWAY_URL: z.url({ message: 'must be the http(s) URL the web server uses to reach the gateway' }).default('http://127.0.0.1:8666'),
  PUBLIC_GATEWAY_URL: z.url({ message: 'must be the gateway URL as browsers reach it' }).default('http://localhost:8666'),
  WEB_SESSION_KEY: sessionKey(),
}).superRefine(commonChecks);

export type WebConfig = z.infer<typeof WebConfigSchema>;
