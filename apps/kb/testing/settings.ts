import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KbSettings } from '../config.ts';

/**
 * Knowledge-base settings for tests: a fresh local repository in a temp dir (no remote, no sync timer, no
 * embeddings) unless `overrides` say otherwise.
 * @example const settings = testKbSettings({ remote: { url: git.url('handbook') } });
 */
export function testKbSettings(overrides: Partial<KbSettings> = {}): KbSettings {
  return {
    dir: join(mkdtempSync(join(tmpdir(), 'gaia-kb-')), 'repo'),
    branch: 'main',
    syncIntervalMs: 0,
    maxFileBytes: 64 * 1024,
    ...overrides,
  };
}
