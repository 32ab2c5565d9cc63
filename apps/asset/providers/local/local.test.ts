import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodeIO } from '@gltf-transform/core';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { deferred } from '../../../../lib/testing/async.ts';
import { generationRequest, recordingContext } from '../testing/generation.ts';
import { type GenerationRequest, type GenerationResult, ProviderError } from '../types.ts';
import { createLocalProvider, LOCAL_MODEL } from './index.ts';

const local = createLocalProvider();
const generate = (overrides: Partial<GenerationRequest>, context = recordingContext()): Promise<GenerationResult> =>
  local.generate(generationRequest(overrides), context);
const mainFile = (result: GenerationResult) => result.files[0]!;

const available = (command: string, args: string[]): boolean => {
  try {
    execFileSync(command, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};
const hasFile = available('file', ['--version']);
const hasPython = available('python3', ['-c', 'import wave']);
const scratch = mkdtempSync(join(tmpdir(), 'gaia-local-asset-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** What `file(1)` makes of `bytes`. */
function describeFile(bytes: Uint8Array, name: string): string {
  const path = join(scratch, name);
  writeFileSync(path, bytes);
  return execFileSync('file', ['-b', path], { encoding: 'utf8' }).trim();
}

const pixel = (png: PNG, x: number, y: number) => [...png.data.subarray((y * png.width + x) * 4, (y * png.width + x) * 4 + 3)];
const distance = (a: number[], b: number[]) => Math.abs(a[0]! - b[0]!) + Math.abs(a[1]! - b[1]!) + Math.abs(a[2]! - b[2]!);

/** The mean colour difference between columns `a` and `b` (or rows, with `rows`). */
function seam(png: PNG, a: number, b: number, rows = false): number {
  let sum = 0;
  for (let i = 0; i < png.width; i++) sum += rows ? distance(pixel(png, i, a), pixel(png, i, b)) : distance(pixel(png, a, i), pixel(png, b, i));
  return sum / png.width;
}

function parseWav(bytes: Uint8Array) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const ascii = (at: number) => String.fromCharCode(...bytes.subarray(at, at + 4));
  const samples = new Int16Array(bytes.slice(44).buffer);
  return {
    riff: ascii(0),
    riffSize: view.getUint32(4, true),
    wave: ascii(8),
    fmt: ascii(12),
    fmtSize: view.getUint32(16, true),
    audioFormat: view.getUint16(20, true),
    channels: view.getUint16(22, true),
    sampleRate: view.getUint32(24, true),
    byteRate: view.getUint32(28, true),
    blockAlign: view.getUint16(32, true),
    bitsPerSample: view.getUint16(34, true),
    data: ascii(36),
    dataSize: view.getUint32(40, true),
    samples,
  };
}

describe('local provider: images and textures (PNG)', () => {
  it('makes a PNG pngjs decodes, of the quality’s size, with many colours, the same bytes for the same seed', async () => {
    const result = await generate({ category: 'image', requirements: { quality: 'low' } });
    const file = mainFile(result);
    const png = PNG.sync.read(Buffer.from(file.bytes));

    expect(file).toMatchObject({ name: 'image.png', contentType: 'image/png', format: 'png' });
    expect([png.width, png.height]).toEqual([256, 256]);
    const colours = new Set<string>();
    for (let i = 0; i < png.data.length; i += 4) colours.add(png.data.subarray(i, i + 3).join(','));
    expect(colours.size).toBeGreaterThan(100);
    expect(result).toMatchObject({ costUsd: 0, model: LOCAL_MODEL, metadata: { pattern: 'landscape', width: 256, tileable: false } });

    const again = await generate({ category: 'image', requirements: { quality: 'low' } });
    expect(Buffer.from(mainFile(again).bytes).equals(Buffer.from(file.bytes))).toBe(true);
    const other = await generate({ category: 'image', seed: 'seed-2', requirements: { quality: 'low' } });
    expect(Buffer.from(mainFile(other).bytes).equals(Buffer.from(file.bytes))).toBe(false);
  });

  it('sizes by quality: 512 pixels a side by default', async () => {
    const png = PNG.sync.read(Buffer.from(mainFile(await generate({ category: 'texture' })).bytes));
    expect([png.width, png.height]).toEqual([512, 512]);
  });

  it.each(['clouds', 'marble', 'bricks', 'cracked lava rock'])('makes a seamless texture (%s): the wrap-around seam is no rougher than inside', async (description) => {
    const result = await generate({ category: 'texture', description, requirements: { quality: 'low' } });
    const png = PNG.sync.read(Buffer.from(mainFile(result).bytes));
    const last = png.width - 1;

    expect(result.metadata).toMatchObject({ tileable: true });
    // Across the wrap (last column → first) the picture changes as little as between two neighbouring columns.
    expect(seam(png, last, 0)).toBeLessThanOrEqual(seam(png, 0, 1) * 2 + 6);
    expect(seam(png, last, 0, true)).toBeLessThanOrEqual(seam(png, 0, 1, true) * 2 + 6);
  });

  it('names its pattern from the description: a stone wall is bricks', async () => {
    const result = await generate({ category: 'texture', description: 'an old stone wall', requirements: { quality: 'low' } });
    expect(result.metadata).toMatchObject({ pattern: 'bricks' });
  });

  it('shrinks to fit file_size_max_mb, and refuses when even the smallest does not fit', async () => {
    const result = await generate({ category: 'texture', requirements: { quality: 'high', fileSizeMaxMb: 0.1 } });
    const file = mainFile(result);
    const png = PNG.sync.read(Buffer.from(file.bytes));
    expect(file.bytes.length).toBeLessThanOrEqual(0.1 * 1024 * 1024);
    expect(png.width).toBeLessThan(1024);

    const refused = await generate({ category: 'texture', requirements: { fileSizeMaxMb: 0.001 } }).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(ProviderError);
    expect(refused).toMatchObject({ provider: 'local', kind: 'refused', message: expect.stringContaining('file_size_max_mb') });
  });

  it.skipIf(!hasFile)('is a PNG to file(1)', async () => {
    const bytes = mainFile(await generate({ category: 'texture', requirements: { quality: 'low' } })).bytes;
    expect(describeFile(bytes, 'texture.png')).toMatch(/^PNG image data, 256 x 256, 8-bit\/color RGB/);
  });
});

describe('local provider: audio (WAV)', () => {
  it('writes a RIFF/WAVE header whose sizes agree with the samples, 16-bit PCM mono', async () => {
    const result = await generate({ category: 'audio' });
    const file = mainFile(result);
    const wav = parseWav(file.bytes);

    expect(file).toMatchObject({ name: 'audio.wav', contentType: 'audio/wav', format: 'wav' });
    expect(wav).toMatchObject({ riff: 'RIFF', wave: 'WAVE', fmt: 'fmt ', fmtSize: 16, audioFormat: 1, channels: 1, sampleRate: 22_050, bitsPerSample: 16, data: 'data' });
    expect(wav.riffSize).toBe(file.bytes.length - 8);
    expect(wav.dataSize).toBe(file.bytes.length - 44);
    expect(wav.byteRate).toBe(wav.sampleRate * wav.blockAlign);
    expect(wav.blockAlign).toBe(2);
    expect(wav.dataSize / wav.byteRate).toBeCloseTo(4, 1);
    expect(result.metadata).toMatchObject({ seconds: 4, sampleRate: 22_050 });
  });

  it('is a tune, not silence: loud enough, with many levels, starting and ending near zero', async () => {
    const { samples } = parseWav(mainFile(await generate({ category: 'audio', requirements: { quality: 'low' } })).bytes);
    const rms = Math.sqrt(samples.reduce((sum, s) => sum + s * s, 0) / samples.length);
    expect(rms).toBeGreaterThan(2000);
    expect(Math.max(...samples.map(Math.abs))).toBeLessThanOrEqual(32767 * 0.81);
    expect(new Set(samples).size).toBeGreaterThan(1000);
    expect(Math.abs(samples[0]!)).toBeLessThan(500);
  });

  it('is deterministic by seed; high quality is 44.1 kHz; chiptune style plays square waves', async () => {
    const a = mainFile(await generate({ category: 'audio', requirements: { quality: 'low' } })).bytes;
    const b = mainFile(await generate({ category: 'audio', requirements: { quality: 'low' } })).bytes;
    const c = mainFile(await generate({ category: 'audio', seed: 'seed-2', requirements: { quality: 'low' } })).bytes;
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    expect(Buffer.from(a).equals(Buffer.from(c))).toBe(false);

    const high = await generate({ category: 'audio', style: '8-bit chiptune', requirements: { quality: 'high' } });
    expect(parseWav(mainFile(high).bytes).sampleRate).toBe(44_100);
    expect(high.metadata).toMatchObject({ voice: 'square', seconds: 6 });
  });

  it('shortens the clip to fit file_size_max_mb', async () => {
    const file = mainFile(await generate({ category: 'audio', requirements: { fileSizeMaxMb: 0.05 } }));
    expect(file.bytes.length).toBeLessThanOrEqual(0.05 * 1024 * 1024);
    expect(parseWav(file.bytes).dataSize).toBe(file.bytes.length - 44);
  });

  it.skipIf(!hasFile)('is WAVE audio to file(1)', async () => {
    const bytes = mainFile(await generate({ category: 'audio', requirements: { quality: 'low' } })).bytes;
    expect(describeFile(bytes, 'audio.wav')).toMatch(/WAVE audio, Microsoft PCM, 16 bit, mono 22050 Hz/);
  });

  it.skipIf(!hasPython)("opens with Python's wave module, frames matching the length", async () => {
    const bytes = mainFile(await generate({ category: 'audio', requirements: { quality: 'low' } })).bytes;
    const path = join(scratch, 'clip.wav');
    writeFileSync(path, bytes);
    const script = 'import sys, wave\nw = wave.open(sys.argv[1])\nprint(w.getnchannels(), w.getsampwidth(), w.getframerate(), w.getnframes())';
    const out = execFileSync('python3', ['-c', script, path], { encoding: 'utf8' }).trim();
    expect(out).toBe(`1 2 22050 ${(bytes.length - 44) / 2}`);
  });
});

describe('local provider: 3D (GLB)', () => {
  const io = new NodeIO();
  const read = async (result: GenerationResult) => io.readBinary(mainFile(result).bytes);
  const triangles = (doc: Awaited<ReturnType<typeof read>>) =>
    doc
      .getRoot()
      .listMeshes()
      .flatMap((mesh) => mesh.listPrimitives())
      .reduce((sum, primitive) => sum + primitive.getIndices()!.getCount() / 3, 0);

  it('makes a GLB gltf-transform reads back: one mesh with positions, normals and vertex colours', async () => {
    const result = await generate({ category: 'prop' });
    const doc = await read(result);
    const [mesh] = doc.getRoot().listMeshes();
    const primitive = mesh!.listPrimitives()[0]!;

    expect(mainFile(result)).toMatchObject({ name: 'model.glb', contentType: 'model/gltf-binary', format: 'glb' });
    expect(doc.getRoot().listMeshes()).toHaveLength(1);
    expect(mesh!.getName()).toBe('box');
    expect(primitive.getAttribute('POSITION')!.getCount()).toBe(primitive.getAttribute('NORMAL')!.getCount());
    expect(primitive.getAttribute('COLOR_0')!.getType()).toBe('VEC3');
    expect(triangles(doc)).toBe(48);
    expect(result.metadata).toMatchObject({ shape: 'box', triangles: 48 });
    expect(doc.getRoot().listScenes()[0]!.listChildren()[0]!.getMesh()).toBe(mesh);
  });

  it.each([
    ['environment', 'terrain', 500],
    ['character', 'cylinder', 100],
    ['animation', 'sphere', 300],
    ['prop', 'box', 20],
  ] as const)('keeps a %s (%s) within polygon_count_max %i', async (category, shape, max) => {
    const result = await generate({ category, description: 'a thing', requirements: { quality: 'ultra', polygonCountMax: max } });
    const doc = await read(result);
    const count = triangles(doc);
    expect(doc.getRoot().listMeshes()[0]!.getName()).toBe(shape);
    expect(count).toBeLessThanOrEqual(max);
    expect(count).toBeGreaterThan(max / 3);
  });

  it('refuses a polygon_count_max below the shape’s minimum, saying what to raise', async () => {
    const refused = await generate({ category: 'prop', requirements: { polygonCountMax: 6 } }).catch((err: unknown) => err);
    expect(refused).toMatchObject({ name: 'ProviderError', kind: 'refused', message: expect.stringMatching(/box needs at least 12 triangles.*polygon_count_max 6/) });
  });

  it('animates the animation category, picks a shape the description names, and is deterministic by seed', async () => {
    const doc = await read(await generate({ category: 'animation' }));
    const [animation] = doc.getRoot().listAnimations();
    expect(animation!.listChannels().map((c) => c.getTargetPath())).toEqual(['translation', 'rotation']);

    const barrel = await generate({ category: 'prop', description: 'a wooden barrel' });
    expect(barrel.metadata).toMatchObject({ shape: 'cylinder' });

    const [a, b, c] = await Promise.all([generate({ category: 'environment' }), generate({ category: 'environment' }), generate({ category: 'environment', seed: 'seed-2' })]);
    expect(Buffer.from(mainFile(a).bytes).equals(Buffer.from(mainFile(b).bytes))).toBe(true);
    expect(Buffer.from(mainFile(a).bytes).equals(Buffer.from(mainFile(c).bytes))).toBe(false);
  });

  it.skipIf(!hasFile)('is a glTF binary model to file(1)', async () => {
    const bytes = mainFile(await generate({ category: 'environment' })).bytes;
    expect(describeFile(bytes, 'model.glb')).toMatch(/^glTF binary model, version 2/);
  });
});

describe('local provider: progress, cancel, cost', () => {
  it('reports progress from 5 to 100, rising, and costs nothing', async () => {
    const context = recordingContext();
    await local.generate(generationRequest({ category: 'texture' }), context);
    const percents = context.progress.map((p) => p.percent);

    expect(percents[0]).toBe(5);
    expect(percents.at(-1)).toBe(100);
    expect(percents.length).toBeGreaterThan(5);
    expect(percents).toEqual([...percents].sort((x, y) => x - y));
    expect(new Set(percents).size).toBe(percents.length);
    expect(local.estimate(generationRequest())).toBe(0);
    expect(local.kinds).toEqual(['image', 'texture', 'audio', 'model3d']);
  });

  it('stops mid-run when the signal aborts, never reporting 100', async () => {
    const context = recordingContext();
    context.onProgress = (percent, message) => {
      context.progress.push({ percent, message });
      if (percent > 20) context.controller.abort(new Error('job cancelled'));
    };
    const error = await local.generate(generationRequest({ category: 'texture', requirements: { quality: 'ultra' } }), context).catch((err: unknown) => err);

    expect(error).toMatchObject({ message: 'job cancelled' });
    expect(Math.max(...context.progress.map((p) => p.percent))).toBeLessThan(50);
  });

  it('throws the signal’s reason when cancelled from outside while it yields', async () => {
    const context = recordingContext();
    const started = deferred();
    context.onProgress = (percent) => {
      context.progress.push({ percent });
      started.resolve();
    };
    const run = local.generate(generationRequest({ category: 'texture', requirements: { quality: 'ultra' } }), context);
    await started.promise;
    setTimeout(() => context.controller.abort(new Error('job cancelled')), 5);

    await expect(run).rejects.toMatchObject({ message: 'job cancelled' });
    expect(context.progress.map((p) => p.percent)).not.toContain(100);
  });

  it('does not start when the signal is already aborted', async () => {
    const context = recordingContext();
    context.controller.abort();
    await expect(local.generate(generationRequest({ category: 'audio' }), context)).rejects.toMatchObject({ name: 'AbortError' });
    expect(context.progress).toEqual([]);
  });

  it('notes a format it cannot make instead of failing', async () => {
    const result = await generate({ category: 'prop', requirements: { format: 'FBX' } });
    expect(mainFile(result).format).toBe('glb');
    expect(result.metadata).toMatchObject({ requestedFormat: 'fbx', note: 'the local provider makes glb only' });
  });
});
