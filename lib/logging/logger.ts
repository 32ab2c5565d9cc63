import { redact } from './redact.ts';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line. */
  child(fields: LogFields): Logger;
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

export interface LoggerOptions {
  level?: LogLevel;
  /** Receives one JSON line per entry. Defaults to `console.log`, which every runtime has. */
  sink?: (line: string) => void;
  fields?: LogFields;
  now?: () => Date;
}

/**
 * Structured JSON-lines logger; every line passes through {@link redact}, so secrets never reach the sink.
 * @example const log = createLogger({ level: 'info', fields: { service: 'gateway' } }); log.info('started', { port: 8666 });
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const threshold = RANK[options.level ?? 'info'];
  const sink = options.sink ?? ((line: string) => console.log(line));
  const now = options.now ?? (() => new Date());
  const base = options.fields ?? {};

  const write = (level: Exclude<LogLevel, 'silent'>, msg: string, fields?: LogFields) => {
    if (RANK[level] < threshold) return;
    const entry = redact({ time: now().toISOString(), level, msg, ...base, ...fields });
    sink(JSON.stringify(entry));
  };

  return {
    debug: (msg, fields) => write('debug', msg, fields),
    info: (msg, fields) => write('info', msg, fields),
    warn: (msg, fields) => write('warn', msg, fields),
    error: (msg, fields) => write('error', msg, fields),
    child: (fields) => createLogger({ ...options, fields: { ...base, ...fields } }),
  };
}

/** A logger that keeps its lines in memory: for tests that assert on what was logged. */
export function createMemoryLogger(level: LogLevel = 'debug'): Logger & { lines: string[]; entries: () => LogFields[] } {
  const lines: string[] = [];
  const logger = createLogger({ level, sink: (line) => lines.push(line) });
  return Object.assign(logger, { lines, entries: () => lines.map((l) => JSON.parse(l) as LogFields) });
}

export const silentLogger: Logger = createLogger({ level: 'silent' });
