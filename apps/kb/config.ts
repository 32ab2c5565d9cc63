import type { z } from 'zod';
import { ServiceConfigSchema } from '../../lib/config/common.ts';

/** The kb service's environment: the common variables (README table); its own fields join here. */
export const KbConfigSchema = ServiceConfigSchema;

export type KbConfig = z.infer<typeof KbConfigSchema>;
