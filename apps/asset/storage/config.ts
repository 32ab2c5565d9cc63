import { z } from 'zod';
import { bool } from '../../../lib/config/fields.ts';
import type { S3BlobStoreSettings } from './s3.ts';
import type { SupabaseBlobStoreSettings } from './supabase.ts';

/** S3's bucket naming rule (also MinIO's and R2's): 3-63 lowercase letters, digits, `.` and `-`, alphanumeric ends. */
const S3_BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
/** A Supabase bucket name that needs no escaping in a URL path (supabase-js puts it there as is). */
const SUPABASE_BUCKET = /^[A-Za-z0-9_.-]{1,100}$/;

/**
 * Where the asset service keeps files, shared by the asset service's config and the all-in-one runner's: a local
 * directory (default), an S3-compatible bucket, or a Supabase Storage bucket. `SUPABASE_URL` is the same variable
 * (and rule) as the auth service's.
 */
export const AssetStorageFields = {
  ASSET_STORAGE: z.enum(['local', 's3', 'supabase'], { message: 'must be local, s3 or supabase' }).default('local'),
  /** Where the local store keeps files; default `<DATA_DIR>/assets`. */
  ASSET_DIR: z.string().optional(),
  S3_BUCKET: z.string().regex(S3_BUCKET, 'must be an S3 bucket name: 3-63 lowercase letters, digits, "." and "-"').optional(),
  S3_REGION: z.string().regex(/^[a-z0-9-]{1,32}$/, 'must be a region, e.g. eu-west-3 (auto for R2)').default('us-east-1'),
  S3_ENDPOINT: z
    .url({ protocol: /^https?$/, message: 'must be the http(s) URL of an S3-compatible server, e.g. http://minio:9000' })
    .refine((value) => !/^[a-z]+:\/\/[^/]*@/i.test(value), 'must not contain credentials: put them in S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY')
    .optional(),
  S3_FORCE_PATH_STYLE: bool(false),
  S3_ACCESS_KEY_ID: z.string().optional(),
  S3_SECRET_ACCESS_KEY: z.string().optional(),
  SUPABASE_URL: z.url({ protocol: /^https?$/, message: 'must be the project URL, e.g. https://<project>.supabase.co' }).optional(),
  SUPABASE_SERVICE_ROLE_KEY: z.string().optional(),
  ASSET_STORAGE_BUCKET: z.string().regex(SUPABASE_BUCKET, 'must be a bucket name: letters, digits, "_", "." and "-"').default('assets'),
};

type AssetStorageFieldValues = z.infer<z.ZodObject<typeof AssetStorageFields>>;

/** What each store needs set, besides the variables with defaults. */
const REQUIRED = {
  local: [],
  s3: ['S3_BUCKET', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'],
  supabase: ['SUPABASE_URL', 'SUPABASE_SERVICE_ROLE_KEY'],
} as const satisfies Record<AssetStorageFieldValues['ASSET_STORAGE'], readonly (keyof AssetStorageFieldValues)[]>;

/** The role a legacy Supabase key (a JWT) claims, without verifying it; `undefined` for other keys. */
function claimedRole(key: string): string | undefined {
  const payload = key.split('.')[1];
  if (key.split('.').length !== 3 || !payload) return undefined;
  try {
    const role: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')).role;
    return typeof role === 'string' ? role : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Cross-field rules of {@link AssetStorageFields}: every variable the chosen `ASSET_STORAGE` needs is set (each missing
 * one is listed), and `SUPABASE_SERVICE_ROLE_KEY` is not a publishable or `anon` key (which row-level security would
 * stop). Call it from the `superRefine` of every schema that spreads the fields. Never repeats a key's value.
 */
export function assetStorageChecks(config: AssetStorageFieldValues, ctx: z.RefinementCtx): void {
  for (const name of REQUIRED[config.ASSET_STORAGE]) {
    if (!config[name]) ctx.addIssue({ code: 'custom', message: `must be set when ASSET_STORAGE=${config.ASSET_STORAGE}`, path: [name] });
  }
  const key = config.SUPABASE_SERVICE_ROLE_KEY;
  if (!key) return;
  const role = key.startsWith('sb_publishable_') ? 'publishable' : claimedRole(key);
  if (role !== undefined && role !== 'service_role') {
    ctx.addIssue({
      code: 'custom',
      message: `is a ${role} key: use the project's service_role (or sb_secret_) key, from the dashboard's API settings`,
      path: ['SUPABASE_SERVICE_ROLE_KEY'],
    });
  }
}

/** Which store keeps the asset files, and how to reach it: what {@link createBlobStore} builds one from. */
export type BlobStoreSettings =
  | { kind: 'local'; dir: string }
  | ({ kind: 's3' } & S3BlobStoreSettings)
  | ({ kind: 'supabase' } & SupabaseBlobStoreSettings);

/**
 * The store settings of {@link AssetStorageFields}. Throws a `TypeError` listing the missing variables when a schema
 * without {@link assetStorageChecks} let them through.
 * @example const settings = blobStoreSettings(config, config.DATA_DIR); const store = createBlobStore(settings, { logger });
 */
export function blobStoreSettings(config: AssetStorageFieldValues, dataDir: string): BlobStoreSettings {
  const missing = REQUIRED[config.ASSET_STORAGE].filter((name) => !config[name]);
  if (missing.length) throw new TypeError(`ASSET_STORAGE=${config.ASSET_STORAGE} needs ${missing.join(', ')}`);
  if (config.ASSET_STORAGE === 's3') {
    return {
      kind: 's3',
      bucket: config.S3_BUCKET!,
      region: config.S3_REGION,
      ...(config.S3_ENDPOINT ? { endpoint: config.S3_ENDPOINT.replace(/\/+$/, '') } : {}),
      forcePathStyle: config.S3_FORCE_PATH_STYLE,
      credentials: { accessKeyId: config.S3_ACCESS_KEY_ID!, secretAccessKey: config.S3_SECRET_ACCESS_KEY! },
    };
  }
  if (config.ASSET_STORAGE === 'supabase') {
    return { kind: 'supabase', url: config.SUPABASE_URL!.replace(/\/+$/, ''), serviceRoleKey: config.SUPABASE_SERVICE_ROLE_KEY!, bucket: config.ASSET_STORAGE_BUCKET };
  }
  return { kind: 'local', dir: config.ASSET_DIR ?? `${dataDir.replace(/\/+$/, '')}/assets` };
}
