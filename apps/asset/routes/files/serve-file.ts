import { ApiError } from '../../../../lib/errors/api-error.ts';
import type { AssetCore } from '../../service/core.ts';

/** Types a browser may show inline from the gateway's origin: nothing that runs script (no HTML, no SVG). */
const INLINE_TYPES = /^(image\/(png|jpeg|gif|webp)|audio\/[\w.+-]+|video\/(mp4|webm)|model\/gltf-binary)$/i;

/** A file name for `Content-Disposition`: ASCII letters, digits, `.`, `_`, `-` only. */
const dispositionName = (name: string) => name.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 100) || 'asset';

/**
 * A stored file as a response: a redirect to a short-lived signed URL when the store has them, else the bytes
 * streamed from the store (through the gateway, with the caller's rights) — inline only for media types that run no
 * script, always under a sandboxing CSP.
 * @example return serveFile(core, asset.fileKey, 'dragon.glb', 'attachment');
 */
export async function serveFile(core: AssetCore, key: string, name: string, disposition: 'attachment' | 'inline'): Promise<Response> {
  const signed = await core.blobs.signedUrl(key, core.behaviour.signedUrlTtlSeconds);
  if (signed) return new Response(null, { status: 302, headers: { Location: signed, 'Cache-Control': 'private, no-store' } });
  const blob = await core.blobs.open(key);
  if (!blob) throw new ApiError('NOT_FOUND', 'The asset’s file is missing from storage');
  // A provider's file is not ours to trust: never rendered as a page of the gateway's origin.
  const shown = disposition === 'inline' && INLINE_TYPES.test(blob.contentType.split(';')[0]?.trim() ?? '') ? 'inline' : 'attachment';
  return new Response(blob.body, {
    status: 200,
    headers: {
      'Content-Type': blob.contentType,
      'Content-Length': String(blob.size),
      'Content-Disposition': `${shown}; filename="${dispositionName(name)}"`,
      'Content-Security-Policy': "default-src 'none'; sandbox",
      'Cache-Control': 'private, max-age=300',
      'X-Content-Type-Options': 'nosniff',
    },
  });
}
