import { Document, WebIO } from '@gltf-transform/core';
import { PNG } from 'pngjs';
import {
  ASSET_KINDS,
  type AssetKind,
  type AssetProvider,
  type GeneratedFile,
  type GenerationRequest,
  type ProviderContext,
  ProviderError,
} from '../providers/types.ts';

/** What a test provider run saw: which request, and how it ended. */
export interface TestCall {
  seed: string;
  description: string;
  outcome: 'pending' | 'done' | 'aborted' | 'failed';
  abortReason?: unknown;
}

export interface TestProviderOptions {
  name?: string;
  kinds?: readonly AssetKind[];
  estimateUsd?: number;
  costUsd?: number;
  /** Progress steps before the file is made, `stepMs` apart (default 2 × 10 ms). */
  steps?: number;
  stepMs?: number;
  /** Runs never finish by themselves: they end only when their signal fires. */
  hang?: boolean;
  /** How the first runs fail, in order (`retryable`, `refused`, `misconfigured`); later runs succeed. */
  failures?: ProviderError['kind'][];
  /** Wait for a webhook about task `task-<seed>` (verified with this secret in `x-test-signature`) before finishing. */
  webhookSecret?: string;
  /** Bytes of the main file (padding the PNG's metadata), to test size limits. */
  padBytes?: number;
  /** The first run waits for this before finishing, deaf to its signal (a worker that hangs and comes back late). */
  holdFirst?: Promise<void>;
}

export interface TestProvider extends AssetProvider {
  calls: TestCall[];
  /** Resolves when a run has started (its progress began). */
  started(): Promise<TestCall>;
}

/** A deterministic PNG (a gradient from the seed), `size` pixels square. */
export function testPng(seed: string, size = 32): Uint8Array {
  const png = new PNG({ width: size, height: size });
  const base = Number.parseInt(seed.slice(0, 6) || '0', 16);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = (y * size + x) * 4;
      png.data[i] = (base >> 16) & 0xff ^ (x * 8);
      png.data[i + 1] = (base >> 8) & 0xff ^ (y * 8);
      png.data[i + 2] = base & 0xff;
      png.data[i + 3] = 255;
    }
  }
  return new Uint8Array(PNG.sync.write(png));
}

/** A short mono 16-bit PCM WAV (a sine whose pitch comes from the seed). */
export function testWav(seed: string, samples = 800, rate = 8000): Uint8Array {
  const out = new DataView(new ArrayBuffer(44 + samples * 2));
  const text = (offset: number, s: string) => {
    for (const [i, ch] of [...s].entries()) out.setUint8(offset + i, ch.charCodeAt(0));
  };
  text(0, 'RIFF');
  out.setUint32(4, 36 + samples * 2, true);
  text(8, 'WAVE');
  text(12, 'fmt ');
  out.setUint32(16, 16, true);
  out.setUint16(20, 1, true);
  out.setUint16(22, 1, true);
  out.setUint32(24, rate, true);
  out.setUint32(28, rate * 2, true);
  out.setUint16(32, 2, true);
  out.setUint16(34, 16, true);
  text(36, 'data');
  out.setUint32(40, samples * 2, true);
  const pitch = 220 + (Number.parseInt(seed.slice(0, 2) || '0', 16) % 440);
  for (let i = 0; i < samples; i++) out.setInt16(44 + i * 2, Math.round(Math.sin((2 * Math.PI * pitch * i) / rate) * 12_000), true);
  return new Uint8Array(out.buffer);
}

/** A GLB holding one triangle. */
export async function testGlb(): Promise<Uint8Array> {
  const doc = new Document();
  const buffer = doc.createBuffer();
  const position = doc.createAccessor().setType('VEC3').setArray(new Float32Array([0, 0, 0, 1, 0, 0, 0, 1, 0])).setBuffer(buffer);
  const mesh = doc.createMesh('triangle').addPrimitive(doc.createPrimitive().setAttribute('POSITION', position));
  doc.createScene().addChild(doc.createNode('triangle').setMesh(mesh));
  return new WebIO().writeBinary(doc);
}

async function fileFor(request: GenerationRequest, padBytes: number): Promise<GeneratedFile> {
  switch (request.kind) {
    case 'audio':
      return { name: 'clip.wav', contentType: 'audio/wav', format: 'wav', bytes: testWav(request.seed) };
    case 'model3d':
      return { name: 'model.glb', contentType: 'model/gltf-binary', format: 'glb', bytes: await testGlb() };
    default: {
      const png = testPng(request.seed);
      const bytes = padBytes > png.byteLength ? new Uint8Array(padBytes) : png;
      if (bytes !== png) bytes.set(png);
      return { name: `${request.kind}.png`, contentType: 'image/png', format: 'png', bytes };
    }
  }
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    }, { once: true });
  });

/**
 * A provider for tests that makes real files (PNG, WAV, GLB) from the request's seed and can be told to be slow,
 * hang, fail, charge, or wait for a signed webhook. Every run is recorded in `calls`.
 * @example const provider = createTestProvider({ hang: true }); … await provider.started();
 */
export function createTestProvider(options: TestProviderOptions = {}): TestProvider {
  const calls: TestCall[] = [];
  const failures = [...(options.failures ?? [])];
  const waiters: ((call: TestCall) => void)[] = [];
  const name = options.name ?? 'test';
  return {
    name,
    kinds: options.kinds ?? ASSET_KINDS,
    calls,
    started: () => new Promise<TestCall>((resolve) => waiters.push(resolve)),
    estimate: () => options.estimateUsd ?? options.costUsd ?? 0,
    async generate(request: GenerationRequest, context: ProviderContext) {
      const call: TestCall = { seed: request.seed, description: request.description, outcome: 'pending' };
      calls.push(call);
      try {
        const steps = options.steps ?? 2;
        context.onProgress(1, 'started');
        for (const waiter of waiters.splice(0)) waiter(call);
        for (let step = 1; step <= steps; step++) {
          await sleep(options.stepMs ?? 10, context.signal);
          context.onProgress(Math.round((step / (steps + 1)) * 100), `step ${step} of ${steps}`);
        }
        if (options.hang) await sleep(3_600_000, context.signal);
        if (options.holdFirst && calls.length === 1) await options.holdFirst;
        const failure = failures.shift();
        if (failure) throw new ProviderError(name, failure, `${name} says: scripted ${failure} failure`);
        if (options.webhookSecret) {
          if (!context.waitForCallback) throw new ProviderError(name, 'misconfigured', 'no waitForCallback');
          await context.waitForCallback(`task-${request.seed}`);
        }
        const file = await fileFor(request, options.padBytes ?? 0);
        call.outcome = 'done';
        return { files: [file], costUsd: options.costUsd ?? 0, model: 'test-model', metadata: { seed: request.seed } };
      } catch (err) {
        call.outcome = context.signal.aborted ? 'aborted' : 'failed';
        call.abortReason = context.signal.reason;
        throw err;
      }
    },
    ...(options.webhookSecret
      ? {
          webhook: {
            verify(headers: Headers, rawBody: string) {
              if (headers.get('x-test-signature') !== `${options.webhookSecret}:${rawBody.length}`) return null;
              const body = JSON.parse(rawBody) as { task_id: string };
              return { taskId: body.task_id, payload: body };
            },
          },
        }
      : {}),
  };
}
