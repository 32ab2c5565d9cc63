export { type AccessLogOptions, accessLog } from './access-log.ts';
export {
  createLogger,
  createMemoryLogger,
  type LogFields,
  type Logger,
  type LoggerOptions,
  type LogLevel,
  silentLogger,
} from './logger.ts';
export { REDACTED, redact, redactString } from './redact.ts';
