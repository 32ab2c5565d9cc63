import { z } from 'zod';

/** Reusable env fields, so every service spells and validates them the same way. */
export const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

export const url = () => z.url({ message: 'must be a URL, e.g. https://host:port' });

export const bool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1' || v === 'yes');

export const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

export const csv = () =>
  z
    .string()
    .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
    .optional();

export const logLevel = () => z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info');

export const postgresUrl = () =>
  z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL').optional();

export const redisUrl = () => z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL').optional();

/**
 * A variable holding JSON that must fit `schema`: every problem is reported with its path, and text that is not JSON
 * gets `example` in its message.
 * @example MCP_SERVERS: jsonField(McpServersSchema, '[{"name":"docs","url":"https://…/mcp"}]')
 */
export const jsonField = <T extends z.ZodType>(schema: T, example: string) =>
  z
    .string()
    .transform((text, ctx): z.infer<T> => {
      try {
        const parsed = schema.safeParse(JSON.parse(text));
        if (parsed.success) return parsed.data;
        ctx.addIssue({ code: 'custom', message: `invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}` });
      } catch {
        ctx.addIssue({ code: 'custom', message: `must be JSON: ${example}` });
      }
      return z.NEVER;
    })
    .optional();
