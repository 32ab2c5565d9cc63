import { blankImage, encodePng, type Rgba } from './raster.ts';

/** A WAV file's samples: `frames` frames of `channels` interleaved samples, read as numbers in [-1, 1]. */
export interface PcmSamples {
  channels: number;
  sampleRate: number;
  frames: number;
  /** Sample `channel` of frame `frame`, in [-1, 1]. */
  sample(frame: number, channel: number): number;
}

const WAVE_FORMAT_PCM = 1;
const WAVE_FORMAT_IEEE_FLOAT = 3;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;
const ascii = (view: DataView, at: number) => String.fromCharCode(view.getUint8(at), view.getUint8(at + 1), view.getUint8(at + 2), view.getUint8(at + 3));

/** Reads one sample of `bits` at `at` as a number in [-1, 1]. */
function reader(view: DataView, format: number, bits: number): ((at: number) => number) | null {
  if (format === WAVE_FORMAT_IEEE_FLOAT && bits === 32) return (at) => Math.max(-1, Math.min(1, view.getFloat32(at, true)));
  if (format !== WAVE_FORMAT_PCM) return null;
  if (bits === 8) return (at) => (view.getUint8(at) - 128) / 128;
  if (bits === 16) return (at) => view.getInt16(at, true) / 32768;
  if (bits === 24) return (at) => ((view.getUint8(at) | (view.getUint8(at + 1) << 8) | (view.getInt8(at + 2) << 16)) / 8388608);
  if (bits === 32) return (at) => view.getInt32(at, true) / 2147483648;
  return null;
}

/**
 * The samples of a RIFF/WAVE file: PCM (8, 16, 24, 32 bit) or 32-bit float, plain or `WAVE_FORMAT_EXTENSIBLE`, chunks
 * walked in order (a `data` size past the end, as streamed WAVs write, is cut to what is there). `null` for another
 * encoding (ADPCM, µ-law…); throws when `bytes` are not a WAV file.
 * @example const pcm = decodeWav(bytes); pcm?.sample(0, 0);
 */
export function decodeWav(bytes: Uint8Array): PcmSamples | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < 12 || ascii(view, 0) !== 'RIFF' || ascii(view, 8) !== 'WAVE') throw new Error('not a WAV file (no RIFF/WAVE header)');
  let format: { tag: number; channels: number; sampleRate: number; blockAlign: number; bits: number } | undefined;
  for (let at = 12; at + 8 <= bytes.byteLength; ) {
    const id = ascii(view, at);
    const size = view.getUint32(at + 4, true);
    const body = at + 8;
    if (id === 'fmt ') {
      if (size < 16 || body + 16 > bytes.byteLength) throw new Error('the WAV fmt chunk is truncated');
      let tag = view.getUint16(body, true);
      if (tag === WAVE_FORMAT_EXTENSIBLE && size >= 40) tag = view.getUint16(body + 24, true);
      format = { tag, channels: view.getUint16(body + 2, true), sampleRate: view.getUint32(body + 4, true), blockAlign: view.getUint16(body + 12, true), bits: view.getUint16(body + 14, true) };
    } else if (id === 'data') {
      if (!format) throw new Error('the WAV data chunk comes before its fmt chunk');
      const read = reader(view, format.tag, format.bits);
      if (!read || format.channels < 1 || format.blockAlign < format.channels * (format.bits / 8)) return null;
      const { channels, blockAlign, bits, sampleRate } = format;
      const length = Math.min(size, bytes.byteLength - body);
      const step = bits / 8;
      return { channels, sampleRate, frames: Math.floor(length / blockAlign), sample: (frame, channel) => read(body + frame * blockAlign + channel * step) };
    }
    at = body + size + (size % 2);
  }
  throw new Error(format ? 'the WAV file has no data chunk' : 'the WAV file has no fmt chunk');
}

const BACKGROUND = [15, 23, 42, 255];
const AXIS = [51, 65, 85, 255];
const WAVE = [56, 189, 248, 255];

const paint = (image: Rgba, x: number, y: number, color: number[]) => image.data.set(color, (y * image.width + x) * 4);

/**
 * A waveform picture of `pcm`, `width` × `height`: for each column the lowest and highest sample (over every channel)
 * of the frames under it, drawn as a vertical line around a centre axis.
 * @example const png = waveformPng(decodeWav(bytes)!, 256, 128);
 */
export function waveformPng(pcm: PcmSamples, width = 256, height = 128): Uint8Array {
  const image = blankImage(width, height);
  for (let i = 0; i < width * height; i++) image.data.set(BACKGROUND, i * 4);
  const middle = Math.floor(height / 2);
  for (let x = 0; x < width; x++) paint(image, x, middle, AXIS);
  const toY = (value: number) => Math.round(((1 - value) / 2) * (height - 1));
  for (let x = 0; x < width && pcm.frames > 0; x++) {
    const first = Math.floor((x * pcm.frames) / width);
    const last = Math.max(first + 1, Math.floor(((x + 1) * pcm.frames) / width));
    let low = 1;
    let high = -1;
    for (let frame = first; frame < last; frame++) {
      for (let channel = 0; channel < pcm.channels; channel++) {
        const value = pcm.sample(frame, channel);
        if (value < low) low = value;
        if (value > high) high = value;
      }
    }
    for (let y = toY(high); y <= toY(low); y++) paint(image, x, y, WAVE);
  }
  return encodePng(image);
}
