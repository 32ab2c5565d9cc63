import { defineConfig } from 'vitest/config';

/** Only the smoke suite, against a running gateway at SMOKE_GATEWAY_URL (see run.sh). */
export default defineConfig({ test: { include: ['test/deno/**/*.test.ts'], testTimeout: 15_000 } });
