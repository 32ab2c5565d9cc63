import type { z } from 'zod';

export type Env = Record<string, string | undefined>;

/** Raised when the environment does not satisfy a config schema; `problems` lists every issue, not just the first. */
export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/**
 * Parses an env record with a zod schema; throws {@link ConfigError} listing every problem.
 * Empty strings count as unset, so `FOO=` falls back to the default.
 * @example const config = parseConfig(GatewayConfigSchema, process.env);
 */
export function parseConfig<S extends z.ZodType>(schema: S, env: Env): z.infer<S> {
  const cleaned: Env = {};
  for (const [key, value] of Object.entries(env)) cleaned[key] = value === '' ? undefined : value;
  const result = schema.safeParse(cleaned);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => {
      const key = issue.path.join('.') || '(environment)';
      const received = issue.code === 'invalid_type' && cleaned[key] === undefined ? ' (not set)' : '';
      return `${key}: ${issue.message}${received}`;
    }),
  );
}

/**
 * Entry-file helper: parse or print every problem to stderr and exit non-zero.
 * @example const config = loadConfigOrExit(Schema, process.env, (code) => process.exit(code));
 */
export function loadConfigOrExit<S extends z.ZodType>(
  schema: S,
  env: Env,
  exit: (code: number) => never,
  write: (line: string) => void = (line) => console.error(line),
): z.infer<S> {
  try {
    return parseConfig(schema, env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    write(JSON.stringify({ level: 'fatal', msg: 'invalid configuration', problems: err.problems }));
    write(`${err.message}\nFix the variables above (see the README's table) and start again.`);
    return exit(1);
  }
}
