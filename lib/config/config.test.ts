import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, loadConfigOrExit, parseConfig } from './config.ts';
import { bool, jsonField, port, postgresUrl } from './fields.ts';

const Schema = z.object({
  PORT: port(8000),
  DEBUG: bool(false),
  DATABASE_URL: postgresUrl(),
  NAME: z.string().min(2),
});

describe('parseConfig', () => {
  it('applies defaults and coerces values', () => {
    const config = parseConfig(Schema, { NAME: 'gaia', DEBUG: 'yes', PORT: '' });
    expect(config).toEqual({ PORT: 8000, DEBUG: true, NAME: 'gaia' });
  });

  it('lists every problem at once', () => {
    const run = () => parseConfig(Schema, { PORT: 'abc', DEBUG: 'maybe', DATABASE_URL: 'mysql://x' });
    expect(run).toThrow(ConfigError);
    try {
      run();
    } catch (err) {
      const problems = (err as ConfigError).problems;
      expect(problems).toHaveLength(4);
      expect(problems.join('\n')).toMatch(/PORT/);
      expect(problems.join('\n')).toMatch(/DEBUG: must be true or false/);
      expect(problems.join('\n')).toMatch(/DATABASE_URL: must be a postgres/);
      expect(problems.join('\n')).toMatch(/NAME: .*\(not set\)/);
    }
  });

  it('loadConfigOrExit prints every problem and exits non-zero', () => {
    const lines: string[] = [];
    let exitCode = -1;
    const exit = (code: number): never => {
      exitCode = code;
      throw new Error('exited');
    };
    expect(() => loadConfigOrExit(Schema, { PORT: '70000' }, exit, (l) => lines.push(l))).toThrow('exited');
    expect(exitCode).toBe(1);
    expect(lines.join('\n')).toMatch(/PORT/);
    expect(lines.join('\n')).toMatch(/NAME/);
  });
});

describe('jsonField', () => {
  const Json = z.object({ LIST: jsonField(z.array(z.object({ name: z.string() })), '[{"name":"a"}]') });

  it('parses JSON that fits the schema, and names the path of what does not', () => {
    expect(parseConfig(Json, { LIST: '[{"name":"a"}]' })).toEqual({ LIST: [{ name: 'a' }] });
    expect(parseConfig(Json, {})).toEqual({});
    expect(() => parseConfig(Json, { LIST: '[{"name":1}]' })).toThrow(/LIST: invalid: 0\.name/);
    expect(() => parseConfig(Json, { LIST: 'name=a' })).toThrow('LIST: must be JSON: [{"name":"a"}]');
  });
});
