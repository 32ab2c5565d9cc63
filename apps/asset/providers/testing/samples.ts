import { createLocalProvider } from '../local/index.ts';
import type { AssetCategory } from '../types.ts';
import { generationRequest, recordingContext } from './generation.ts';

/** Real files for fakes to serve (made by the local provider), so tests can check the bytes arrive unchanged. */
export async function sampleFile(category: AssetCategory): Promise<Uint8Array> {
  const result = await createLocalProvider().generate(generationRequest({ category, seed: 'sample', requirements: { quality: 'low' } }), recordingContext());
  return result.files[0]!.bytes;
}

/** The start of an MP3 (an ID3v2 tag and one MPEG frame header) padded to `size` bytes. */
export function sampleMp3(size = 2048): Uint8Array {
  const bytes = new Uint8Array(size);
  bytes.set([0x49, 0x44, 0x33, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xfb, 0x90, 0x64]);
  for (let i = 14; i < size; i++) bytes[i] = (i * 31) & 0xff;
  return bytes;
}
