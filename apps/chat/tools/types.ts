import { z } from 'zod';
import type { ToolSpec } from '../engine/types.ts';

/** What a tool gives back to the model: text, and whether it is an error the model should see and react to. */
export interface ToolOutput {
  content: string;
  isError: boolean;
}

/** How far a long-running tool has come (an asset being generated): streamed to the client while it runs. */
export interface ToolProgress {
  /** 0–100 when the tool knows it. */
  percent?: number;
  message?: string;
}

export interface ToolContext {
  /** Aborted when the chat request goes away or runs out of time: the tool must stop. */
  signal: AbortSignal;
  /** Reports progress to the client while the tool runs (optional: the loop may not listen). */
  progress?(update: ToolProgress): void;
}

export type ToolSource = 'kb' | 'mcp' | 'asset';

/**
 * A tool the model may call. `run` gets the parsed JSON arguments (not yet checked against the schema) and never
 * throws: failures are outputs with `isError`, so the model sees them and the loop goes on.
 */
export interface Tool {
  spec: ToolSpec;
  source: ToolSource;
  run(args: unknown, ctx: ToolContext): Promise<ToolOutput>;
}

/** A successful output. */
export const toolOk = (content: string): ToolOutput => ({ content, isError: false });

/** An error output the model reads. */
export const toolError = (message: string): ToolOutput => ({ content: message, isError: true });

/** A compact JSON output. */
export const toolJson = (value: unknown): ToolOutput => toolOk(JSON.stringify(value));

/** `path.to.field: message; …` for a zod error, short enough for a model to act on. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message)).join('; ');
}

const jsonSchemas = new WeakMap<z.ZodType, Record<string, unknown>>();

/**
 * The JSON Schema (an object schema, without `$schema`) of a zod schema's input, as a tool's `parameters`. Computed
 * once per schema: tools are rebuilt for every chat turn.
 */
export function jsonSchemaOf(schema: z.ZodType): Record<string, unknown> {
  const cached = jsonSchemas.get(schema);
  if (cached) return cached;
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  jsonSchemas.set(schema, rest);
  return rest;
}

export interface DefineToolOptions<S extends z.ZodType> {
  name: string;
  description: string;
  source: ToolSource;
  /** Validates the arguments; its JSON Schema is what the model sees. */
  schema: S;
  run(args: z.output<S>, ctx: ToolContext): Promise<ToolOutput>;
}

/**
 * A tool whose arguments are validated with zod (failures become `Invalid arguments: …` tool errors) and whose
 * unexpected exceptions become tool errors too.
 * @example
 * const echo = defineTool({ name: 'echo', description: 'Echoes', source: 'asset', schema: z.object({ text: z.string() }),
 *   run: async ({ text }) => toolOk(text) });
 */
export function defineTool<S extends z.ZodType>(options: DefineToolOptions<S>): Tool {
  return {
    spec: { name: options.name, description: options.description, parameters: jsonSchemaOf(options.schema) },
    source: options.source,
    async run(args, ctx) {
      const parsed = options.schema.safeParse(args);
      if (!parsed.success) return toolError(`Invalid arguments: ${describeIssues(parsed.error)}`);
      try {
        return await options.run(parsed.data, ctx);
      } catch (err) {
        return toolError(`Tool ${options.name} failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    },
  };
}

/** Tools by name, with the specs offered to the model. */
export interface ToolSet {
  readonly tools: readonly Tool[];
  readonly names: readonly string[];
  get(name: string): Tool | undefined;
  specs(): ToolSpec[];
}

/**
 * Indexes tools by name; when two share a name the first wins (sources are concatenated in priority order).
 * @example const set = toolSet([...kbTools(kb), ...await mcp.tools()]); set.get('kb_search');
 */
export function toolSet(tools: Iterable<Tool>): ToolSet {
  const byName = new Map<string, Tool>();
  for (const tool of tools) if (!byName.has(tool.spec.name)) byName.set(tool.spec.name, tool);
  const unique = [...byName.values()];
  return {
    tools: unique,
    names: [...byName.keys()],
    get: (name) => byName.get(name),
    specs: () => unique.map((tool) => tool.spec),
  };
}
