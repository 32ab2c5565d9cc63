import type { Platform } from './start.ts';

/** The lines `npm start` prints once everything listens: where to go and what it runs on. */
export function banner(platform: Platform): string {
  const { describe } = platform.backends;
  const lines = [
    '',
    '  GAIA is running',
    `  Web UI     ${platform.web.url}`,
    `  Gateway    ${platform.gateway.url}   (API docs: ${platform.gateway.url}/docs)`,
    ...platform.internal.map((s) => `  ${s.name.padEnd(10)} ${s.url}   (internal, exposed for debugging)`),
    `  Database   ${describe.database}`,
    `  KV/cache   ${describe.kv}`,
    '  Stop with Ctrl+C.',
    '',
  ];
  return lines.join('\n');
}
