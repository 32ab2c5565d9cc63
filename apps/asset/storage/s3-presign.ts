import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';

/** The parts of smithy's `HttpRequest` a presigned URL is made of. */
interface PresignableRequest {
  protocol: string;
  hostname: string;
  port?: number | undefined;
  path: string;
  query: Record<string, string | string[] | null | undefined>;
  headers: Record<string, string>;
}

interface PresigningSigner {
  presign(
    request: PresignableRequest,
    options: {
      expiresIn: number;
      signingDate: Date;
      signingRegion: string;
      signingService: string;
      unsignableHeaders: Set<string>;
    },
  ): Promise<PresignableRequest>;
}

/** Headers the SDK adds per attempt: they would be hoisted into the URL and mean nothing to a browser. */
const PER_ATTEMPT_HEADERS = ['amz-sdk-invocation-id', 'amz-sdk-request', 'x-amz-user-agent', 'x-amz-checksum-mode'];

const isPresignable = (value: unknown): value is PresignableRequest =>
  typeof value === 'object' && value !== null && 'hostname' in value && 'path' in value && 'query' in value && 'headers' in value;
const isPresigner = (value: unknown): value is PresigningSigner =>
  typeof value === 'object' && value !== null && 'presign' in value && typeof value.presign === 'function';
/** RFC 3986 percent-encoding, as SigV4 canonicalises query strings. */
const rfc3986 = (value: string) => encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

function formatUrl(request: PresignableRequest): string {
  const query = Object.entries(request.query)
    .flatMap(([name, value]) => (value == null ? [rfc3986(name)] : [value].flat().map((v) => `${rfc3986(name)}=${rfc3986(v)}`)))
    .join('&');
  const port = request.port ? `:${request.port}` : '';
  return `${request.protocol}//${request.hostname}${port}${request.path}${query ? `?${query}` : ''}`;
}

/**
 * A SigV4 presigned `GET` URL of `key` in `bucket`, valid `ttlSeconds` from `signingDate`, made with the client's own
 * endpoint resolution (path style, custom endpoints, regions) and signer: what `@aws-sdk/s3-request-presigner` does,
 * without that package. The command runs through the client's middleware up to signing, then the request is presigned
 * (payload `UNSIGNED-PAYLOAD`, only `host` signed) instead of sent: nothing goes over the network.
 * @example const url = await presignGetObject(client, 'assets', 'u/1/asset.png', 300);
 */
export async function presignGetObject(client: S3Client, bucket: string, key: string, ttlSeconds: number, signingDate = new Date()): Promise<string> {
  const command = new GetObjectCommand({ Bucket: bucket, Key: key });
  const stack = client.middlewareStack.clone();
  let url: string | undefined;
  stack.addRelativeTo(
    (_next: unknown, context: Record<string, unknown>) =>
      async function presignInsteadOfSending(args: { request: unknown }) {
        const { request } = args;
        if (!isPresignable(request)) throw new TypeError('the S3 client built no HTTP request to presign');
        for (const header of PER_ATTEMPT_HEADERS) delete request.headers[header];
        request.headers['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD';
        const signingRegion: unknown = context.signing_region;
        const signingService: unknown = context.signing_service;
        const region = typeof signingRegion === 'string' ? signingRegion : await client.config.region();
        const service = typeof signingService === 'string' ? signingService : 's3';
        const signer: unknown = await client.config.signer({ name: 'sigv4', signingName: service, signingRegion: region, properties: {} });
        if (!isPresigner(signer)) throw new TypeError('the S3 client has no presigning signer');
        const presigned = await signer.presign(request, {
          expiresIn: ttlSeconds,
          signingDate,
          signingRegion: region,
          signingService: service,
          unsignableHeaders: new Set(['content-type']),
        });
        url = formatUrl(presigned);
        return { response: {}, output: { $metadata: {} } };
      },
    { name: 'presignInsteadOfSending', relation: 'before', toMiddleware: 'awsAuthMiddleware', override: true },
  );
  await command.resolveMiddleware(stack, client.config, {})({ input: command.input });
  if (url === undefined) throw new TypeError('the S3 client did not reach signing');
  return url;
}
