import type { z } from 'zod';
import { ServiceConfigSchema } from '../../lib/config/common.ts';

/** The auth service's environment: the common variables (README table); its own fields join here. */
export const AuthConfigSchema = ServiceConfigSchema;

export type AuthConfig = z.infer<typeof AuthConfigSchema>;
