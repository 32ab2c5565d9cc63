import { type AssetKind, type GeneratedFile, ProviderError } from './types.ts';

type FileType = Pick<GeneratedFile, 'contentType' | 'format'>;

const ascii = (bytes: Uint8Array, at: number, length: number) => String.fromCharCode(...bytes.subarray(at, at + length));

/** What a file is, by its first bytes (never by the server's Content-Type). */
export function sniff(bytes: Uint8Array): FileType | undefined {
  if (bytes.length < 12) return undefined;
  if (bytes[0] === 0x89 && ascii(bytes, 1, 3) === 'PNG') return { contentType: 'image/png', format: 'png' };
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return { contentType: 'image/jpeg', format: 'jpg' };
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 4) === 'WEBP') return { contentType: 'image/webp', format: 'webp' };
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 4) === 'WAVE') return { contentType: 'audio/wav', format: 'wav' };
  if (ascii(bytes, 0, 3) === 'ID3' || (bytes[0] === 0xff && (bytes[1]! & 0xe0) === 0xe0)) return { contentType: 'audio/mpeg', format: 'mp3' };
  if (ascii(bytes, 0, 4) === 'OggS') return { contentType: 'audio/ogg', format: 'ogg' };
  if (ascii(bytes, 0, 4) === 'fLaC') return { contentType: 'audio/flac', format: 'flac' };
  if (ascii(bytes, 0, 4) === 'glTF') return { contentType: 'model/gltf-binary', format: 'glb' };
  return undefined;
}

const FAMILY: Record<AssetKind, string> = { image: 'image/', texture: 'image/', audio: 'audio/', model3d: 'model/' };

/**
 * The provider's file, typed by its bytes; a file that is not of the kind asked for (an HTML error page sent with
 * 200, a JPEG for a 3D model) is refused as `retryable`: the provider misbehaved, not the request.
 * @example files: [toGeneratedFile('stability', 'texture', bytes)]
 */
export function toGeneratedFile(provider: string, kind: AssetKind, bytes: Uint8Array): GeneratedFile {
  const type = sniff(bytes);
  if (!type?.contentType.startsWith(FAMILY[kind])) {
    const wanted = kind === 'image' ? 'an image' : kind === 'model3d' ? 'a 3D model' : `a ${kind}`;
    throw new ProviderError(provider, 'retryable', `${provider} sent ${type ? `a ${type.format} file` : 'a file of unknown type'} when asked for ${wanted}`);
  }
  const stem = kind === 'model3d' ? 'model' : kind;
  return { name: `${stem}.${type.format}`, ...type, bytes };
}
