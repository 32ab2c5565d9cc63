import { PNG } from 'pngjs';

/** An 8-bit RGBA image, rows top to bottom, 4 bytes a pixel. */
export interface Rgba {
  width: number;
  height: number;
  data: Uint8Array;
}

/** A transparent image of `width` × `height`. */
export const blankImage = (width: number, height: number): Rgba => ({ width, height, data: new Uint8Array(width * height * 4) });

/** The PNG (8-bit RGBA) of `image`. */
export function encodePng(image: Rgba): Uint8Array {
  const png = new PNG({ width: image.width, height: image.height });
  png.data = Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength);
  return new Uint8Array(PNG.sync.write(png, { colorType: 6 }));
}

/** The size that fits `width` × `height` inside `max` × `max`, aspect kept, never enlarged, at least 1 × 1. */
export function fitWithin(width: number, height: number, max: number): { width: number; height: number } {
  const scale = Math.min(1, max / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/** For each of `to` output cells over `from` input cells: the input cells it covers and by how much (sums to 1). */
function coverage(from: number, to: number): { index: number; weight: number }[][] {
  const step = from / to;
  return Array.from({ length: to }, (_, out) => {
    const start = out * step;
    const end = start + step;
    const cells: { index: number; weight: number }[] = [];
    for (let index = Math.floor(start); index < Math.min(from, Math.ceil(end)); index++) {
      const overlap = Math.min(end, index + 1) - Math.max(start, index);
      if (overlap > 0) cells.push({ index, weight: overlap / step });
    }
    return cells;
  });
}

/** One box-filter pass over premultiplied RGBA floats of `width` × `height`, along x (`horizontal`) or y. */
function pass(src: Float64Array, width: number, height: number, cells: { index: number; weight: number }[][], horizontal: boolean): Float64Array {
  const outWidth = horizontal ? cells.length : width;
  const outHeight = horizontal ? height : cells.length;
  const out = new Float64Array(outWidth * outHeight * 4);
  for (let y = 0; y < outHeight; y++) {
    for (let x = 0; x < outWidth; x++) {
      const o = (y * outWidth + x) * 4;
      for (const { index, weight } of cells[horizontal ? x : y]!) {
        const i = (horizontal ? y * width + index : index * width + x) * 4;
        for (let c = 0; c < 4; c++) out[o + c]! += src[i + c]! * weight;
      }
    }
  }
  return out;
}

/**
 * `image` scaled to `width` × `height` by area averaging (every output pixel is the coverage-weighted mean of the
 * input pixels under it, a box filter, separable), on premultiplied alpha so transparent pixels lend no colour.
 * @example const small = downscale(large, 256, 128);
 */
export function downscale(image: Rgba, width: number, height: number): Rgba {
  const premultiplied = new Float64Array(image.data.length);
  for (let i = 0; i < image.data.length; i += 4) {
    const alpha = image.data[i + 3]!;
    for (let c = 0; c < 3; c++) premultiplied[i + c] = image.data[i + c]! * alpha;
    premultiplied[i + 3] = alpha;
  }
  const across = pass(premultiplied, image.width, image.height, coverage(image.width, width), true);
  const scaled = pass(across, width, image.height, coverage(image.height, height), false);
  const out = blankImage(width, height);
  for (let i = 0; i < scaled.length; i += 4) {
    const alpha = scaled[i + 3]!;
    if (alpha > 0) for (let c = 0; c < 3; c++) out.data[i + c] = Math.round(scaled[i + c]! / alpha);
    out.data[i + 3] = Math.round(alpha);
  }
  return out;
}
