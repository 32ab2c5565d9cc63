import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { type Context, Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { jwtVerify, SignJWT } from 'jose';

/** The project JWT secret the fake signs keys and signed-URL tokens with (≥ 32 characters, like a real project's). */
export const FAKE_STORAGE_JWT_SECRET = 'fake-supabase-storage-jwt-secret-of-32-chars-or-more';

export interface FakeStoredObject {
  id: string;
  bytes: Uint8Array;
  /** The `mimetype` Storage keeps: the upload's `Content-Type`. */
  contentType: string;
  /** The upload's `Cache-Control`, as Storage keeps and serves it. */
  cacheControl: string;
  createdAt: Date;
  updatedAt: Date;
}

/** Behaviour that tests may change while the fake runs. */
export interface FakeSupabaseStorageConfig {
  /** Storage's global upload limit (`FILE_SIZE_LIMIT`; 50 MB on a hosted free plan). */
  fileSizeLimit: number;
  /** When set, every request answers this status (an outage) before anything else. */
  failWith: ContentfulStatusCode | null;
  /** A pause in the middle of every download body (a slow link), in ms. Default 0. */
  midBodyPauseMs: number;
}

export interface FakeSupabaseStorage {
  /** The project URL (`http://127.0.0.1:<port>`), as `SUPABASE_URL`. */
  url: string;
  /** A legacy `service_role` key: an HS256 JWT with `role: service_role` (bypasses row-level security). */
  serviceRoleKey: string;
  /** A legacy `anon` key: an HS256 JWT with `role: anon` (row-level security applies; no policies here). */
  anonKey: string;
  jwtSecret: string;
  config: FakeSupabaseStorageConfig;
  /** Every request received, `METHOD /path?query`, oldest first. */
  readonly requests: string[];
  /** Adds a (private unless told) bucket. */
  createBucket(name: string, options?: { public?: boolean }): void;
  /** An object as stored, or undefined. */
  object(bucket: string, path: string): FakeStoredObject | undefined;
  close(): Promise<void>;
}

interface FakeBucket {
  id: string;
  public: boolean;
  createdAt: Date;
  objects: Map<string, FakeStoredObject>;
}

/** Storage's `StorageBackendError` shapes (`src/internal/errors/codes.ts`): what each failure renders. */
const ERRORS = {
  noSuchBucket: { status: '404', code: 'NoSuchBucket', error: 'Bucket not found', message: 'Bucket not found' },
  noSuchKey: { status: '404', code: 'NoSuchKey', error: 'not_found', message: 'Object not found' },
  duplicate: { status: '409', code: 'KeyAlreadyExists', error: 'Duplicate', message: 'The resource already exists' },
  tooLarge: { status: '413', code: 'EntityTooLarge', error: 'Payload too large', message: 'The object exceeded the maximum allowed size' },
  rls: { status: '403', code: 'AccessDenied', error: 'Unauthorized', message: 'new row violates row-level security policy' },
  accessDenied: (message: string) => ({ status: '403', code: 'AccessDenied', error: 'Unauthorized', message }),
  invalidJwt: (message: string) => ({ status: '400', code: 'InvalidJWT', error: 'InvalidJWT', message }),
  invalidSignature: { status: '400', code: 'InvalidSignature', error: 'InvalidSignature', message: 'The url do not match the signature' },
  invalidKey: (key: string) => ({ status: '400', code: 'InvalidKey', error: 'InvalidKey', message: `Invalid key: ${key}` }),
  internal: { status: '500', code: 'InternalError', error: 'InternalError', message: 'Internal server error' },
};
type StorageFailure = { status: string; code: string; error: string; message: string };

/**
 * Storage's error handler: the HTTP status is 400 unless the error's own status is 500 (its `userStatusCode`), and the
 * body is `{statusCode, code, error, message}` with the error's own status as a string — so a missing object is HTTP
 * 400 with `"statusCode": "404"`, which storage-js reads back as `StorageApiError.statusCode`.
 */
const fail = (c: Context, failure: StorageFailure) =>
  c.json({ statusCode: failure.status, code: failure.code, error: failure.error, message: failure.message }, failure.status === '500' ? 500 : 400);

/** Storage's object-name rule, roughly (`isValidKey`): no control characters, no empty, `.` or `..` segment. */
const validName = (name: string) =>
  name.length > 0 && ![...name].some((ch) => ch.charCodeAt(0) < 32 || ch.charCodeAt(0) === 127) && !name.split('/').some((p) => p === '' || p === '.' || p === '..');

const md5 = (bytes: Uint8Array) => createHash('md5').update(bytes).digest('hex');

/**
 * A local stand-in for Supabase Storage behind the project's API gateway, on 127.0.0.1 and a random port, for tests:
 * it answers what `@supabase/supabase-js` (storage-js) sends — `POST`/`PUT /storage/v1/object/<bucket>/<path>` (raw
 * body, `x-upsert`, `content-type`, `cache-control`; `{Id, Key}`), `GET /storage/v1/object/<bucket>/<path>`
 * (authenticated download), `GET /storage/v1/object/info/<bucket>/<path>` (the info renderer's JSON),
 * `DELETE /storage/v1/object/<bucket>` with `{prefixes}` (exact names; the deleted rows), `POST
 * /storage/v1/object/sign/<bucket>/<path>` with `{expiresIn}` (`{signedURL}` holding an HS256 token `{url, iat, exp}`),
 * `GET /storage/v1/object/sign/<bucket>/<path>?token=` (public) and `GET /storage/v1/bucket/<id>` — with Storage's
 * error bodies `{statusCode, code, error, message}` (HTTP 400 for its 4xx, the real status in `statusCode`). The
 * gateway wants a project key as `apikey` (401 `Invalid API key` otherwise; signed and public downloads are open);
 * Storage verifies the `Authorization` JWT with the project secret: `service_role` bypasses row-level security, any
 * other role meets a bucket without policies (uploads refused, objects and private buckets invisible). Tests only.
 * @example
 * const fake = await startFakeSupabaseStorage({ buckets: ['assets'] });
 * const store = createSupabaseBlobStore({ url: fake.url, serviceRoleKey: fake.serviceRoleKey, bucket: 'assets' });
 * afterAll(() => fake.close());
 */
export async function startFakeSupabaseStorage(options: { buckets?: string[]; jwtSecret?: string } & Partial<FakeSupabaseStorageConfig> = {}): Promise<FakeSupabaseStorage> {
  const jwtSecret = options.jwtSecret ?? FAKE_STORAGE_JWT_SECRET;
  const secret = new TextEncoder().encode(jwtSecret);
  const config: FakeSupabaseStorageConfig = {
    fileSizeLimit: options.fileSizeLimit ?? 50 * 1024 * 1024,
    failWith: options.failWith ?? null,
    midBodyPauseMs: options.midBodyPauseMs ?? 0,
  };
  const projectKey = (role: string) =>
    new SignJWT({ iss: 'supabase', ref: 'fake', role }).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setIssuedAt().setExpirationTime('10y').sign(secret);
  const serviceRoleKey = await projectKey('service_role');
  const anonKey = await projectKey('anon');
  const buckets = new Map<string, FakeBucket>();
  const requests: string[] = [];
  const createBucket = (name: string, { public: isPublic = false } = {}) => {
    buckets.set(name, { id: name, public: isPublic, createdAt: new Date(), objects: new Map() });
  };
  for (const name of options.buckets ?? []) createBucket(name);

  /** The object path after `/storage/v1/<prefix>/<bucket>/`, decoded (storage-js does not encode it; fetch may). */
  const target = (c: Context, prefix: string) => {
    const rest = decodeURIComponent(new URL(c.req.url).pathname.slice(`/storage/v1/${prefix}/`.length));
    const slash = rest.indexOf('/');
    return slash < 0 ? { bucket: rest, name: '' } : { bucket: rest.slice(0, slash), name: rest.slice(slash + 1) };
  };
  /** The caller's role from `Authorization: Bearer <jwt>`, or the AccessDenied answer Storage's jwt plugin gives. */
  const roleOf = async (c: Context): Promise<{ role: string } | { error: Response }> => {
    const token = (c.req.header('authorization') ?? '').replace(/^Bearer\s+/i, '');
    try {
      const { payload } = await jwtVerify(token, secret, { algorithms: ['HS256'] });
      return { role: typeof payload.role === 'string' ? payload.role : 'anon' };
    } catch (err) {
      const message = err instanceof Error && token ? 'invalid signature' : 'jwt must be provided';
      return { error: fail(c, ERRORS.accessDenied(message)) };
    }
  };
  const privileged = (role: string) => role === 'service_role';
  /** The bucket the caller may see (a private bucket is invisible without the service role, as RLS on storage.buckets). */
  const visibleBucket = (name: string, role: string) => {
    const bucket = buckets.get(name);
    return bucket && (privileged(role) || bucket.public) ? bucket : undefined;
  };
  const objectRow = (bucket: FakeBucket, name: string, object: FakeStoredObject) => ({
    name,
    bucket_id: bucket.id,
    owner: '',
    owner_id: '',
    version: object.id,
    id: object.id,
    updated_at: object.updatedAt.toISOString(),
    created_at: object.createdAt.toISOString(),
    last_accessed_at: object.updatedAt.toISOString(),
    metadata: {
      eTag: `"${md5(object.bytes)}"`,
      size: object.bytes.byteLength,
      mimetype: object.contentType,
      cacheControl: object.cacheControl,
      lastModified: object.updatedAt.toISOString(),
      contentLength: object.bytes.byteLength,
      httpStatusCode: 200,
    },
    user_metadata: null,
  });
  /** Storage's asset renderer: the bytes with the headers it sets from the object's metadata. */
  const render = (c: Context, object: FakeStoredObject) => {
    const half = Math.floor(object.bytes.byteLength / 2);
    const pause = config.midBodyPauseMs;
    const body = new ReadableStream<Uint8Array>({
      async start(controller) {
        controller.enqueue(object.bytes.slice(0, half));
        if (pause > 0) await new Promise((resolve) => setTimeout(resolve, pause));
        controller.enqueue(object.bytes.slice(half));
        controller.close();
      },
    });
    return c.body(body, 200, {
      'content-type': object.contentType,
      'content-length': String(object.bytes.byteLength),
      'cache-control': object.cacheControl,
      etag: `"${md5(object.bytes)}"`,
      'last-modified': object.updatedAt.toUTCString(),
    });
  };

  const app = new Hono();
  app.use(async function gateway(c, next) {
    const url = new URL(c.req.url);
    requests.push(`${c.req.method} ${url.pathname}${url.search}`);
    const open = c.req.method === 'GET' && /^\/storage\/v1\/object\/(sign|public)\//.test(url.pathname);
    if (!open && c.req.header('apikey') !== serviceRoleKey && c.req.header('apikey') !== anonKey) {
      return c.json({ message: 'Invalid API key', hint: 'Double check your Supabase `anon` or `service_role` API key.' }, 401);
    }
    if (config.failWith !== null) return c.json({ statusCode: String(config.failWith), error: 'Service Unavailable', message: 'Service Unavailable' }, config.failWith);
    return next();
  });

  const upload = (mode: 'create' | 'update') => async (c: Context) => {
    const caller = await roleOf(c);
    if ('error' in caller) return caller.error;
    const { bucket: bucketName, name } = target(c, 'object');
    // The uploader looks the bucket up as the superuser; the object row then meets row-level security.
    const bucket = buckets.get(bucketName);
    if (!bucket) return fail(c, ERRORS.noSuchBucket);
    if (!validName(name)) return fail(c, ERRORS.invalidKey(name));
    if (!privileged(caller.role)) return fail(c, ERRORS.rls);
    const bytes = new Uint8Array(await c.req.arrayBuffer());
    if (bytes.byteLength > config.fileSizeLimit) return fail(c, ERRORS.tooLarge);
    const existing = bucket.objects.get(name);
    const upsert = mode === 'update' || c.req.header('x-upsert') === 'true';
    if (mode === 'update' && !existing) return fail(c, ERRORS.noSuchKey);
    if (existing && !upsert) return fail(c, ERRORS.duplicate);
    const now = new Date();
    const object: FakeStoredObject = {
      id: crypto.randomUUID(),
      bytes,
      contentType: c.req.header('content-type') ?? 'application/octet-stream',
      cacheControl: c.req.header('cache-control') ?? 'no-cache',
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
    };
    bucket.objects.set(name, object);
    return c.json({ Id: object.id, Key: `${bucket.id}/${name}` });
  };
  app.post('/storage/v1/object/sign/*', async (c) => {
    const caller = await roleOf(c);
    if ('error' in caller) return caller.error;
    const { bucket: bucketName, name } = target(c, 'object/sign');
    const body = (await c.req.json().catch(() => ({}))) as { expiresIn?: unknown };
    if (!Number.isInteger(body.expiresIn) || (body.expiresIn as number) < 1) {
      return c.json({ statusCode: '400', error: 'Bad Request', message: 'body/expiresIn must be >= 1' }, 400);
    }
    // signObjectUrl finds the object row under row-level security, without looking the bucket up.
    if (!buckets.get(bucketName)?.objects.has(name) || !privileged(caller.role)) return fail(c, ERRORS.noSuchKey);
    const iat = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({ url: `${bucketName}/${name}` })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuedAt(iat)
      .setExpirationTime(iat + (body.expiresIn as number))
      .sign(secret);
    return c.json({ signedURL: `/object/sign/${bucketName}/${name}?token=${token}` });
  });
  app.get('/storage/v1/object/sign/*', async (c) => {
    const { bucket: bucketName, name } = target(c, 'object/sign');
    let url: unknown;
    try {
      url = (await jwtVerify(c.req.query('token') ?? '', secret, { algorithms: ['HS256'] })).payload.url;
    } catch (err) {
      const reason = err instanceof Error && 'code' in err && err.code === 'ERR_JWT_EXPIRED' ? 'jwt expired' : 'jwt malformed';
      return fail(c, ERRORS.invalidJwt(reason));
    }
    if (url !== `${bucketName}/${name}`) return fail(c, ERRORS.invalidSignature);
    const object = buckets.get(bucketName)?.objects.get(name);
    return object ? render(c, object) : fail(c, ERRORS.noSuchKey);
  });
  app.get('/storage/v1/object/info/*', async (c) => {
    const caller = await roleOf(c);
    if ('error' in caller) return caller.error;
    const { bucket: bucketName, name } = target(c, 'object/info');
    // The info route finds the object row under row-level security, without looking the bucket up.
    const bucket = buckets.get(bucketName);
    const object = bucket && (privileged(caller.role) || bucket.public) ? bucket.objects.get(name) : undefined;
    if (!bucket || !object) return fail(c, ERRORS.noSuchKey);
    return c.json(
      {
        id: object.id,
        name,
        version: object.id,
        bucket_id: bucket.id,
        size: object.bytes.byteLength,
        content_type: object.contentType,
        cache_control: object.cacheControl,
        etag: `"${md5(object.bytes)}"`,
        metadata: null,
        last_modified: object.updatedAt.toISOString(),
        created_at: object.createdAt.toISOString(),
      },
      200,
      { 'cache-control': 'no-cache' },
    );
  });
  app.post('/storage/v1/object/*', upload('create'));
  app.put('/storage/v1/object/*', upload('update'));
  app.get('/storage/v1/object/*', async (c) => {
    const caller = await roleOf(c);
    if ('error' in caller) return caller.error;
    const { bucket: bucketName, name } = target(c, 'object');
    // getObject looks the bucket up as the superuser, then the object row under row-level security.
    const bucket = buckets.get(bucketName);
    if (!bucket) return fail(c, ERRORS.noSuchBucket);
    const object = privileged(caller.role) || bucket.public ? bucket.objects.get(name) : undefined;
    return object ? render(c, object) : fail(c, ERRORS.noSuchKey);
  });
  app.delete('/storage/v1/object/:bucket', async (c) => {
    const caller = await roleOf(c);
    if ('error' in caller) return caller.error;
    const body = (await c.req.json().catch(() => ({}))) as { prefixes?: unknown };
    const prefixes = body.prefixes;
    if (!Array.isArray(prefixes) || prefixes.length === 0 || !prefixes.every((p) => typeof p === 'string')) {
      return c.json({ statusCode: '400', error: 'Bad Request', message: 'body/prefixes must NOT have fewer than 1 items' }, 400);
    }
    // Storage deletes the rows whose name is in the list (RLS decides which the caller sees); no bucket check.
    const bucket = buckets.get(c.req.param('bucket'));
    const deleted = [];
    for (const name of prefixes as string[]) {
      const object = bucket && privileged(caller.role) ? bucket.objects.get(name) : undefined;
      if (!bucket || !object) continue;
      bucket.objects.delete(name);
      deleted.push(objectRow(bucket, name, object));
    }
    return c.json(deleted);
  });
  app.get('/storage/v1/bucket/:id', async (c) => {
    const caller = await roleOf(c);
    if ('error' in caller) return caller.error;
    const bucket = visibleBucket(c.req.param('id'), caller.role);
    if (!bucket) return fail(c, ERRORS.noSuchBucket);
    return c.json({
      id: bucket.id,
      name: bucket.id,
      owner: '',
      public: bucket.public,
      created_at: bucket.createdAt.toISOString(),
      updated_at: bucket.createdAt.toISOString(),
      file_size_limit: null,
      allowed_mime_types: null,
    });
  });
  app.notFound((c) => c.json({ statusCode: '404', error: 'Not Found', message: `Route ${c.req.method}:${new URL(c.req.url).pathname} not found` }, 404));
  app.onError((_err, c) => fail(c, ERRORS.internal));

  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const listening = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(listening));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    serviceRoleKey,
    anonKey,
    jwtSecret,
    config,
    requests,
    createBucket,
    object: (bucket, path) => buckets.get(bucket)?.objects.get(path),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ('closeAllConnections' in server) server.closeAllConnections();
      }),
  };
}
