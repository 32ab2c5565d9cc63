import type { z } from 'zod';
import { ServiceConfigSchema } from '../../lib/config/common.ts';

/** The chat service's environment: the common variables (README table); its own fields join here. */
export const ChatConfigSchema = ServiceConfigSchema;

export type ChatConfig = z.infer<typeof ChatConfigSchema>;
