import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../../../lib/logging/logger.ts';
import { createBlobStore } from './create.ts';
import { type FakeSupabaseStorage, startFakeSupabaseStorage } from './testing/fake-supabase-storage.ts';
import { startS3rver, type TestS3Server } from './testing/s3rver.ts';

describe('createBlobStore', () => {
  let s3: TestS3Server;
  let supabase: FakeSupabaseStorage;
  beforeAll(async () => {
    [s3, supabase] = await Promise.all([startS3rver(['assets']), startFakeSupabaseStorage({ buckets: ['assets'] })]);
  });
  afterAll(async () => {
    await Promise.all([s3?.close(), supabase?.close()]);
  });

  it('builds the chosen store and logs where it keeps files, never a credential', async () => {
    const logger = createMemoryLogger();
    const fromS3 = createBlobStore({ kind: 's3', ...s3.settings({ credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } }) }, { logger });
    const fromSupabase = createBlobStore({ kind: 'supabase', url: supabase.url, serviceRoleKey: supabase.serviceRoleKey, bucket: 'assets' }, { logger });
    expect([fromS3.kind, fromSupabase.kind]).toEqual(['s3', 'supabase']);
    await Promise.all([fromS3.ping(), fromSupabase.ping()]);
    expect(logger.entries().map(({ msg, kind, bucket, endpoint, project }) => ({ msg, kind, bucket, endpoint, project }))).toEqual([
      { msg: 'asset storage', kind: 's3', bucket: 'assets', endpoint: s3.endpoint, project: undefined },
      { msg: 'asset storage', kind: 'supabase', bucket: 'assets', endpoint: undefined, project: supabase.url },
    ]);
    expect(logger.lines.join('\n')).not.toContain(supabase.serviceRoleKey);
    expect(logger.lines.join('\n')).not.toContain('S3RVER');
  });
});
