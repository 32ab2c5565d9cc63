import { PNG } from 'pngjs';
import { downscale, encodePng, fitWithin } from './raster.ts';

/** Images larger than this many pixels are not decoded for a preview (a decompression bomb costs 4 bytes a pixel). */
export const MAX_DECODED_PIXELS = 40_000_000;
const SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];

/** Whether `bytes` start with the PNG signature. */
export const isPng = (bytes: Uint8Array) => SIGNATURE.every((b, i) => bytes[i] === b);

/**
 * A PNG thumbnail of the PNG `bytes`: at most `max` px on its longer side, aspect kept, area-averaged, RGBA. `null`
 * when the image is over {@link MAX_DECODED_PIXELS}; throws when `bytes` are not a decodable PNG.
 * @example const thumb = thumbnailPng(png, 256);
 */
export function thumbnailPng(bytes: Uint8Array, max = 256): Uint8Array | null {
  if (!isPng(bytes) || bytes.byteLength < 24) throw new Error('not a PNG file (no PNG signature)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // IHDR is the first chunk: width and height at bytes 16 and 20.
  if (view.getUint32(16) * view.getUint32(20) > MAX_DECODED_PIXELS) return null;
  let decoded: PNG;
  try {
    decoded = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (err) {
    throw new Error(`the PNG could not be decoded: ${err instanceof Error ? err.message : String(err)}`);
  }
  const image = { width: decoded.width, height: decoded.height, data: new Uint8Array(decoded.data) };
  const size = fitWithin(image.width, image.height, max);
  return encodePng(downscale(image, size.width, size.height));
}
