import type { z } from 'zod';
import { ServiceConfigSchema } from '../../lib/config/common.ts';

/** The asset service's environment: the common variables (README table); its own fields join here. */
export const AssetConfigSchema = ServiceConfigSchema;

export type AssetConfig = z.infer<typeof AssetConfigSchema>;
