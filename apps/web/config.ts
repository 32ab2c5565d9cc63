import { z } from 'zod';
import { CommonConfigSchema, commonChecks } from '../../lib/config/common.ts';
import { port } from '../../lib/config/fields.ts';

/** The web UI's environment: where its server reaches the gateway, and the gateway URL browsers see. */
export const WebConfigSchema = CommonConfigSchema.extend({
  PORT: port(8080),
  GATEWAY_URL: z.url({ message: 'must be the http(s) URL the web server uses to reach the gateway' }).default('http://127.0.0.1:8666'),
  PUBLIC_GATEWAY_URL: z.url({ message: 'must be the gateway URL as browsers reach it' }).default('http://localhost:8666'),
}).superRefine(commonChecks);

export type WebConfig = z.infer<typeof WebConfigSchema>;
