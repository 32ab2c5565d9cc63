import type { GeneratedFile } from '../providers/types.ts';
import { modelPreviewPng } from './previews/model.ts';
import { thumbnailPng } from './previews/thumbnail.ts';
import { decodeWav, waveformPng } from './previews/waveform.ts';

/** The longest side of every preview, in pixels. */
export const PREVIEW_MAX_PX = 256;

const WAV_TYPES = new Set(['audio/wav', 'audio/x-wav', 'audio/wave', 'audio/vnd.wave']);
const kindOf = (file: GeneratedFile): 'png' | 'wav' | 'glb' | null => {
  const type = file.contentType.toLowerCase().split(';')[0]!.trim();
  const format = file.format.toLowerCase();
  if (type === 'image/png' || format === 'png') return 'png';
  if (WAV_TYPES.has(type) || format === 'wav') return 'wav';
  if (type === 'model/gltf-binary' || format === 'glb') return 'glb';
  return null;
};

/**
 * A PNG preview of a generated file, at most {@link PREVIEW_MAX_PX} px a side: for a PNG image or texture its
 * area-averaged thumbnail (aspect kept); for a WAV clip its waveform (min/max per column, 256 × 128); for a GLB model
 * a flat-shaded three-quarter render (256 × 256, transparent). `null` when the file's type has no preview (JPEG,
 * MP3, glTF JSON…), or it is out of reach (an unsupported WAV encoding, a GLB that needs an extension or has no
 * triangles, an image over 40 Mpx). Throws an `Error` saying what is wrong when the file claims a type it does not
 * decode as: a corrupt file, worth a warning — callers that must not fail on a preview catch it.
 * @example const preview = await makePreview(result.files[0]); if (preview) await store.put(`${prefix}/${preview.name}`, preview.bytes, preview.contentType);
 */
export async function makePreview(file: GeneratedFile): Promise<GeneratedFile | null> {
  const kind = kindOf(file);
  if (kind === null) return null;
  let bytes: Uint8Array | null;
  try {
    if (kind === 'png') bytes = thumbnailPng(file.bytes, PREVIEW_MAX_PX);
    else if (kind === 'glb') bytes = await modelPreviewPng(file.bytes, PREVIEW_MAX_PX);
    else {
      const pcm = decodeWav(file.bytes);
      bytes = pcm && waveformPng(pcm, PREVIEW_MAX_PX, PREVIEW_MAX_PX / 2);
    }
  } catch (err) {
    throw new Error(`no preview of ${file.name}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  return bytes && { name: 'preview.png', contentType: 'image/png', format: 'png', bytes };
}
