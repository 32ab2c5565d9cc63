import { describe, expect, it } from 'vitest';
import { CommonConfigSchema, commonChecks } from '../../../lib/config/common.ts';
import { ConfigError, parseConfig } from '../../../lib/config/config.ts';
import { AssetStorageFields, assetStorageChecks, blobStoreSettings } from './config.ts';

const Schema = CommonConfigSchema.extend(AssetStorageFields).superRefine((config, ctx) => {
  commonChecks(config, ctx);
  assetStorageChecks(config, ctx);
});

/** A legacy Supabase key: an (unsigned here) JWT claiming `role`. */
const jwtKey = (role: string) =>
  ['{"alg":"HS256","typ":"JWT"}', JSON.stringify({ iss: 'supabase', ref: 'abc', role })].map((p) => Buffer.from(p).toString('base64url')).join('.') + '.c2lnbmF0dXJl';

const problems = (env: Record<string, string>) => {
  try {
    parseConfig(Schema, env);
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
};

describe('asset storage config', () => {
  it('defaults to a local directory under DATA_DIR, ASSET_DIR overriding it', () => {
    expect(blobStoreSettings(parseConfig(Schema, {}), './.data')).toEqual({ kind: 'local', dir: './.data/assets' });
    expect(blobStoreSettings(parseConfig(Schema, {}), '/var/gaia/')).toEqual({ kind: 'local', dir: '/var/gaia/assets' });
    expect(blobStoreSettings(parseConfig(Schema, { ASSET_DIR: '/srv/files' }), '/var/gaia')).toEqual({ kind: 'local', dir: '/srv/files' });
  });

  it('lists every variable the chosen store is missing, at once (empty counts as unset)', () => {
    expect(problems({ ASSET_STORAGE: 's3', S3_ACCESS_KEY_ID: '' })).toEqual([
      'S3_BUCKET: must be set when ASSET_STORAGE=s3',
      'S3_ACCESS_KEY_ID: must be set when ASSET_STORAGE=s3',
      'S3_SECRET_ACCESS_KEY: must be set when ASSET_STORAGE=s3',
    ]);
    expect(problems({ ASSET_STORAGE: 'supabase' })).toEqual([
      'SUPABASE_URL: must be set when ASSET_STORAGE=supabase',
      'SUPABASE_SERVICE_ROLE_KEY: must be set when ASSET_STORAGE=supabase',
    ]);
    expect(problems({ ASSET_STORAGE: 'gcs' })).toEqual(['ASSET_STORAGE: must be local, s3 or supabase']);
  });

  it('builds S3 settings for MinIO or R2, and Supabase settings, from the environment', () => {
    const s3 = parseConfig(Schema, {
      ASSET_STORAGE: 's3',
      S3_BUCKET: 'gaia-assets',
      S3_ENDPOINT: 'http://minio:9000/',
      S3_FORCE_PATH_STYLE: 'true',
      S3_ACCESS_KEY_ID: 'minio',
      S3_SECRET_ACCESS_KEY: 'minio-secret',
    });
    expect(blobStoreSettings(s3, '.')).toEqual({
      kind: 's3',
      bucket: 'gaia-assets',
      region: 'us-east-1',
      endpoint: 'http://minio:9000',
      forcePathStyle: true,
      credentials: { accessKeyId: 'minio', secretAccessKey: 'minio-secret' },
    });
    const key = jwtKey('service_role');
    const supabase = parseConfig(Schema, { ASSET_STORAGE: 'supabase', SUPABASE_URL: 'https://abc.supabase.co/', SUPABASE_SERVICE_ROLE_KEY: key });
    expect(blobStoreSettings(supabase, '.')).toEqual({ kind: 'supabase', url: 'https://abc.supabase.co', serviceRoleKey: key, bucket: 'assets' });
    const secretKey = parseConfig(Schema, { ASSET_STORAGE: 'supabase', SUPABASE_URL: 'https://abc.supabase.co', SUPABASE_SERVICE_ROLE_KEY: 'sb_secret_abc123', ASSET_STORAGE_BUCKET: 'game-assets' });
    expect(blobStoreSettings(secretKey, '.')).toMatchObject({ serviceRoleKey: 'sb_secret_abc123', bucket: 'game-assets' });
  });

  it('refuses an anon or publishable key as the service-role key, without repeating it', () => {
    for (const [key, role] of [
      [jwtKey('anon'), 'anon'],
      ['sb_publishable_abc123', 'publishable'],
    ] as const) {
      const found = problems({ ASSET_STORAGE: 'supabase', SUPABASE_URL: 'https://abc.supabase.co', SUPABASE_SERVICE_ROLE_KEY: key });
      expect(found).toEqual([`SUPABASE_SERVICE_ROLE_KEY: is a ${role} key: use the project's service_role (or sb_secret_) key, from the dashboard's API settings`]);
      expect(found.join()).not.toContain(key);
    }
  });

  it('refuses bucket names S3 or a URL path cannot take, non-http endpoints and credentials in the endpoint', () => {
    const found = problems({ S3_BUCKET: 'My_Bucket', S3_ENDPOINT: 'http://key:hunter2@minio:9000', ASSET_STORAGE_BUCKET: 'a/b', S3_REGION: 'EU West' });
    expect(found.map((p) => p.split(':')[0])).toEqual(['S3_BUCKET', 'S3_REGION', 'S3_ENDPOINT', 'ASSET_STORAGE_BUCKET']);
    expect(found.join()).not.toContain('hunter2');
    expect(problems({ S3_ENDPOINT: 'ftp://minio' })).toEqual(['S3_ENDPOINT: must be the http(s) URL of an S3-compatible server, e.g. http://minio:9000']);
  });

  it('a schema without the checks still cannot build settings with missing variables', () => {
    const unchecked = CommonConfigSchema.extend(AssetStorageFields).parse({ ASSET_STORAGE: 's3', S3_BUCKET: 'assets' });
    expect(() => blobStoreSettings(unchecked, '.')).toThrow('ASSET_STORAGE=s3 needs S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY');
  });
});
