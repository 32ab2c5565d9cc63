import { Document, WebIO } from '@gltf-transform/core';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import type { GeneratedFile } from '../providers/types.ts';
import { makePreview } from './previews.ts';
import { decodeWav } from './previews/waveform.ts';

const file = (name: string, contentType: string, format: string, bytes: Uint8Array): GeneratedFile => ({ name, contentType, format, bytes });
const pngFile = (bytes: Uint8Array) => file('asset.png', 'image/png', 'png', bytes);
const decode = (bytes: Uint8Array) => PNG.sync.read(Buffer.from(bytes));

/** A PNG of `width` × `height` whose pixel (x, y) is `colour(x, y)` as RGBA. */
function makePng(width: number, height: number, colour: (x: number, y: number) => number[], colorType: 0 | 2 | 6 = 6): Uint8Array {
  const png = new PNG({ width, height });
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) png.data.set(colour(x, y), (y * width + x) * 4);
  return new Uint8Array(PNG.sync.write(png, { colorType }));
}

const pixel = (png: PNG, x: number, y: number) => [...png.data.subarray((y * png.width + x) * 4, (y * png.width + x) * 4 + 4)];

/** A WAV file: a `fmt ` chunk (format tag, channels, rate, bits; `extensible` wraps the tag), optional chunks before `data`. */
function makeWav(options: {
  tag?: number;
  channels?: number;
  rate?: number;
  bits: number;
  samples: number[][];
  extensible?: boolean;
  before?: Uint8Array[];
  dataSize?: number;
}): Uint8Array {
  const { tag = 1, channels = 1, rate = 8000, bits, samples, extensible = false, before = [] } = options;
  const step = bits / 8;
  const data = Buffer.alloc(samples.length * channels * step);
  for (const [i, frame] of samples.entries()) {
    for (const [channel, value] of frame.entries()) {
      const at = (i * channels + channel) * step;
      if (tag === 3) data.writeFloatLE(value, at);
      else if (bits === 8) data.writeUInt8(Math.round(value * 127 + 128), at);
      else if (bits === 16) data.writeInt16LE(Math.round(value * 32767), at);
      else if (bits === 24) data.writeIntLE(Math.round(value * 8388607), at, 3);
      else data.writeInt32LE(Math.round(value * 2147483647), at);
    }
  }
  const fmt = Buffer.alloc(extensible ? 40 : 16);
  fmt.writeUInt16LE(extensible ? 0xfffe : tag, 0);
  fmt.writeUInt16LE(channels, 2);
  fmt.writeUInt32LE(rate, 4);
  fmt.writeUInt32LE(rate * channels * step, 8);
  fmt.writeUInt16LE(channels * step, 12);
  fmt.writeUInt16LE(bits, 14);
  if (extensible) {
    fmt.writeUInt16LE(22, 16);
    fmt.writeUInt16LE(bits, 18);
    fmt.writeUInt16LE(tag, 24);
  }
  const chunk = (id: string, body: Uint8Array, size = body.byteLength) => {
    const head = Buffer.alloc(8);
    head.write(id, 0, 'ascii');
    head.writeUInt32LE(size, 4);
    return Buffer.concat([head, body, body.byteLength % 2 ? Buffer.alloc(1) : Buffer.alloc(0)]);
  };
  const body = Buffer.concat([Buffer.from('WAVE'), chunk('fmt ', fmt), ...before.map((b) => chunk('LIST', b)), chunk('data', data, options.dataSize)]);
  const riff = Buffer.alloc(8);
  riff.write('RIFF', 0, 'ascii');
  riff.writeUInt32LE(body.byteLength, 4);
  return new Uint8Array(Buffer.concat([riff, body]));
}

/** A GLB of a unit cube (12 triangles) in `colour`, under a node scaled by `scale`; `mode` 4 is triangles, 0 points. */
async function makeCube(options: { colour?: [number, number, number, number]; scale?: [number, number, number]; mode?: 0 | 4 } = {}): Promise<Uint8Array> {
  const doc = new Document();
  const buffer = doc.createBuffer();
  const corners = [0, 1, 2, 3, 4, 5, 6, 7].flatMap((i) => [i & 1 ? 0.5 : -0.5, i & 2 ? 0.5 : -0.5, i & 4 ? 0.5 : -0.5]);
  const faces = [0, 2, 1, 1, 2, 3, 4, 5, 6, 5, 7, 6, 0, 1, 4, 1, 5, 4, 2, 6, 3, 3, 6, 7, 0, 4, 2, 2, 4, 6, 1, 3, 5, 3, 7, 5];
  const position = doc.createAccessor().setType('VEC3').setArray(new Float32Array(corners)).setBuffer(buffer);
  const indices = doc.createAccessor().setType('SCALAR').setArray(new Uint16Array(faces)).setBuffer(buffer);
  const material = doc.createMaterial().setBaseColorFactor(options.colour ?? [1, 0, 0, 1]);
  const primitive = doc.createPrimitive().setAttribute('POSITION', position).setIndices(indices).setMaterial(material).setMode(options.mode ?? 4);
  const node = doc.createNode().setMesh(doc.createMesh().addPrimitive(primitive)).setScale(options.scale ?? [1, 1, 1]);
  doc.createScene().addChild(node);
  return new WebIO().writeBinary(doc);
}

/** `glb` with its JSON chunk changed by `edit` (lengths and padding recomputed). */
function editGlb(glb: Uint8Array, edit: (json: Record<string, unknown>) => void): Uint8Array {
  const bytes = Buffer.from(glb);
  const jsonLength = bytes.readUInt32LE(12);
  const json = JSON.parse(bytes.subarray(20, 20 + jsonLength).toString('utf8')) as Record<string, unknown>;
  edit(json);
  let text = JSON.stringify(json);
  while (text.length % 4) text += ' ';
  const rest = bytes.subarray(20 + jsonLength);
  const head = Buffer.alloc(20);
  head.writeUInt32LE(0x46546c67, 0);
  head.writeUInt32LE(2, 4);
  head.writeUInt32LE(20 + text.length + rest.byteLength, 8);
  head.writeUInt32LE(text.length, 12);
  head.writeUInt32LE(0x4e4f534a, 16);
  return new Uint8Array(Buffer.concat([head, Buffer.from(text), rest]));
}

/** The bounding box of the opaque pixels of `png`. */
function opaqueBox(png: PNG) {
  let [minX, minY, maxX, maxY] = [png.width, png.height, -1, -1];
  for (let y = 0; y < png.height; y++) {
    for (let x = 0; x < png.width; x++) {
      if (pixel(png, x, y)[3]! < 128) continue;
      [minX, minY, maxX, maxY] = [Math.min(minX, x), Math.min(minY, y), Math.max(maxX, x), Math.max(maxY, y)];
    }
  }
  return { width: maxX - minX + 1, height: maxY - minY + 1 };
}

describe('image thumbnails', () => {
  it('fit 256 px with the aspect kept, and a small image is not enlarged', async () => {
    for (const [w, h, tw, th] of [
      [1000, 500, 256, 128],
      [300, 1200, 64, 256],
      [100, 50, 100, 50],
    ] as const) {
      const preview = await makePreview(pngFile(makePng(w, h, () => [10, 20, 30, 255])));
      expect(preview).toMatchObject({ name: 'preview.png', contentType: 'image/png', format: 'png' });
      const png = decode(preview!.bytes);
      expect([png.width, png.height]).toEqual([tw, th]);
      expect(pixel(png, 0, 0)).toEqual([10, 20, 30, 255]);
    }
  });

  it('average the area under each pixel (a fine checkerboard turns grey, not black or white)', async () => {
    const checker = makePng(512, 512, (x, y) => ((x + y) % 2 ? [255, 255, 255, 255] : [0, 0, 0, 255]));
    const png = decode((await makePreview(pngFile(checker)))!.bytes);
    expect([png.width, png.height]).toEqual([256, 256]);
    for (const [x, y] of [
      [0, 0],
      [100, 37],
      [255, 255],
    ] as const) {
      const [r, g, b] = pixel(png, x, y);
      for (const channel of [r, g, b]) expect(Math.abs(channel! - 128)).toBeLessThanOrEqual(1);
    }
    // A 3:1 reduction (768 → 256) of vertical stripes two white, one black, covers each output pixel the same: 2/3 white.
    const stripes = makePng(768, 30, (x) => (x % 3 === 2 ? [0, 0, 0, 255] : [255, 255, 255, 255]));
    const reduced = decode((await makePreview(pngFile(stripes)))!.bytes);
    expect(pixel(reduced, 17, 5)[0]).toBe(170);
  });

  it('average on premultiplied alpha: a transparent neighbour lends no colour', async () => {
    const png = makePng(512, 4, (x) => (x % 2 ? [0, 0, 255, 255] : [255, 0, 0, 0]));
    const preview = decode((await makePreview(pngFile(png)))!.bytes);
    expect(pixel(preview, 10, 0)).toEqual([0, 0, 255, 128]);
  });

  it('read greyscale PNGs too, and refuse a file that is not one, or one too large to decode', async () => {
    const grey = decode((await makePreview(pngFile(makePng(600, 300, () => [90, 90, 90, 255], 0))))!.bytes);
    expect([grey.width, grey.height, ...pixel(grey, 5, 5)]).toEqual([256, 128, 90, 90, 90, 255]);

    const broken = makePng(10, 10, () => [1, 2, 3, 255]).slice(0, 40);
    await expect(makePreview(pngFile(broken))).rejects.toThrow(/^no preview of asset\.png: the PNG could not be decoded/);
    await expect(makePreview(pngFile(new TextEncoder().encode('<html>not an image</html>')))).rejects.toThrow('not a PNG file');

    const bomb = Buffer.from(makePng(1, 1, () => [0, 0, 0, 255]));
    bomb.writeUInt32BE(100_000, 16);
    bomb.writeUInt32BE(100_000, 20);
    expect(await makePreview(pngFile(new Uint8Array(bomb)))).toBeNull();
  });
});

describe('audio waveforms', () => {
  const wavFile = (bytes: Uint8Array, contentType = 'audio/wav') => file('clip.wav', contentType, 'wav', bytes);
  const WAVE = [56, 189, 248, 255];
  const rowsPainted = (png: PNG, x: number) => Array.from({ length: png.height }, (_, y) => y).filter((y) => pixel(png, x, y).join() === WAVE.join());

  it('draw min/max per column of 16-bit PCM: a half-loud tone, then silence', async () => {
    const frames = 8000;
    const samples = Array.from({ length: frames }, (_, i) => [i < frames / 2 ? 0.5 * Math.sin((2 * Math.PI * 440 * i) / 8000) : 0]);
    const preview = await makePreview(wavFile(makeWav({ bits: 16, samples }), 'audio/wav; codecs=1'));
    const png = decode(preview!.bytes);
    expect([png.width, png.height]).toEqual([256, 128]);
    const loud = rowsPainted(png, 40);
    // ±0.5 of full scale spans the middle half of the height.
    expect(loud[0]).toBeGreaterThanOrEqual(30);
    expect(loud[0]).toBeLessThanOrEqual(34);
    expect(loud.at(-1)).toBeGreaterThanOrEqual(93);
    expect(loud.at(-1)).toBeLessThanOrEqual(97);
    expect(loud.length).toBe(loud.at(-1)! - loud[0]! + 1);
    expect(rowsPainted(png, 200)).toEqual([64]);
    expect(pixel(png, 200, 10)).toEqual([15, 23, 42, 255]);
  });

  it('decode 8-, 24- and 32-bit PCM, 32-bit float, extensible headers, chunks before the data and a streamed size', () => {
    const samples = [
      [0.25, -0.5],
      [-1, 0.75],
    ];
    for (const options of [
      { bits: 8 },
      { bits: 24 },
      { bits: 32 },
      { bits: 32, tag: 3 },
      { bits: 16, extensible: true },
      { bits: 16, before: [new Uint8Array(5)] },
      { bits: 16, dataSize: 0xffffffff },
    ]) {
      const pcm = decodeWav(makeWav({ channels: 2, samples, ...options }))!;
      expect(pcm, JSON.stringify(options)).toMatchObject({ channels: 2, frames: 2, sampleRate: 8000 });
      expect(pcm.sample(0, 1)).toBeCloseTo(-0.5, 1);
      expect(pcm.sample(1, 0)).toBeCloseTo(-1, 1);
      expect(pcm.sample(1, 1)).toBeCloseTo(0.75, 1);
    }
  });

  it('have no preview for another encoding, and say what is wrong with a broken file', async () => {
    expect(await makePreview(wavFile(makeWav({ tag: 2, bits: 4, samples: [] })))).toBeNull();
    await expect(makePreview(wavFile(new TextEncoder().encode('ID3 an mp3 really')))).rejects.toThrow('no preview of clip.wav: not a WAV file');
    const noData = makeWav({ bits: 16, samples: [[0]] }).slice(0, 36);
    await expect(makePreview(wavFile(noData))).rejects.toThrow('the WAV file has no data chunk');
    // An empty clip is a flat line.
    const empty = decode((await makePreview(wavFile(makeWav({ bits: 16, samples: [] }))))!.bytes);
    expect(rowsPainted(empty, 100)).toEqual([]);
  });
});

describe('3D model previews', () => {
  const glbFile = (bytes: Uint8Array) => file('model.glb', 'model/gltf-binary', 'glb', bytes);

  it('render the mesh flat-shaded in its material colour, three faces in three shades, on transparency', async () => {
    const png = decode((await makePreview(glbFile(await makeCube())))!.bytes);
    expect([png.width, png.height]).toEqual([256, 256]);
    expect(pixel(png, 0, 0)[3]).toBe(0);
    expect(pixel(png, 128, 128)[3]).toBe(255);
    const shades = new Set<string>();
    for (let y = 0; y < 256; y += 2) {
      for (let x = 0; x < 256; x += 2) {
        const [r, g, b, a] = pixel(png, x, y);
        if (a !== 255) continue;
        expect(r).toBeGreaterThan(g! + 40);
        expect(g).toBe(b);
        shades.add(`${r},${g},${b}`);
      }
    }
    // Three visible faces, each flat: three colours (edge pixels blend, so count the frequent ones only).
    expect(shades.size).toBeGreaterThanOrEqual(3);
  });

  it('apply node transforms: a cube stretched upwards renders taller than wide', async () => {
    const cube = opaqueBox(decode((await makePreview(glbFile(await makeCube())))!.bytes));
    const tall = opaqueBox(decode((await makePreview(glbFile(await makeCube({ scale: [1, 4, 1] }))))!.bytes));
    expect(cube.height / cube.width).toBeLessThan(1.3);
    expect(tall.height / tall.width).toBeGreaterThan(2.5);
  });

  it('have no preview without triangles or when an extension is required, and say what is wrong with a broken file', async () => {
    expect(await makePreview(glbFile(await makeCube({ mode: 0 })))).toBeNull();
    const draco = editGlb(await makeCube(), (json) => {
      json.extensionsUsed = ['KHR_draco_mesh_compression'];
      json.extensionsRequired = ['KHR_draco_mesh_compression'];
    });
    expect(await makePreview(glbFile(draco))).toBeNull();
    await expect(makePreview(glbFile(new TextEncoder().encode('{"asset":{"version":"2.0"}}')))).rejects.toThrow('no preview of model.glb: not a GLB file');
    const truncated = (await makeCube()).slice(0, 200);
    await expect(makePreview(glbFile(truncated))).rejects.toThrow(/^no preview of model\.glb: the GLB/);
  });
});

describe('makePreview', () => {
  it('has no preview for types it does not draw', async () => {
    expect(await makePreview(file('a.jpg', 'image/jpeg', 'jpg', new Uint8Array([0xff, 0xd8, 0xff])))).toBeNull();
    expect(await makePreview(file('a.mp3', 'audio/mpeg', 'mp3', new Uint8Array([0x49, 0x44, 0x33])))).toBeNull();
    expect(await makePreview(file('a.gltf', 'model/gltf+json', 'gltf', new TextEncoder().encode('{}')))).toBeNull();
  });
});
