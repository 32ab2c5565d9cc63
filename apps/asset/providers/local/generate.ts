import { setTimeout as yieldToLoop } from 'node:timers/promises';
import type { AssetKind, GeneratedFile, GenerationRequest, GenerationResult, ProviderContext } from '../types.ts';
import { LOCAL_MODEL, type Work } from './api.ts';
import { generateAudio } from './audio.ts';
import { generateImage } from './image.ts';
import { generateModel } from './model3d.ts';

type Generator = (request: GenerationRequest, work: Work) => Promise<{ bytes: Uint8Array; metadata: Record<string, unknown> }>;

const GENERATORS: Record<AssetKind, { generate: Generator; file: Omit<GeneratedFile, 'bytes'> }> = {
  image: { generate: generateImage, file: { name: 'image.png', contentType: 'image/png', format: 'png' } },
  texture: { generate: generateImage, file: { name: 'texture.png', contentType: 'image/png', format: 'png' } },
  audio: { generate: generateAudio, file: { name: 'audio.wav', contentType: 'audio/wav', format: 'wav' } },
  model3d: { generate: generateModel, file: { name: 'model.glb', contentType: 'model/gltf-binary', format: 'glb' } },
};

/** Progress as the service sees it: 5 on start, the generator's own share up to 95, 100 when the file is made. */
function workFor(context: ProviderContext): Work {
  let last = -1;
  const report = (percent: number, message?: string) => {
    const rounded = Math.round(percent);
    if (rounded <= last) return;
    last = rounded;
    context.onProgress(rounded, message);
  };
  report(5, 'generating');
  return {
    progress: (fraction) => report(5 + 90 * Math.min(Math.max(fraction, 0), 1)),
    async checkpoint() {
      await yieldToLoop(0);
      context.signal.throwIfAborted();
    },
  };
}

/**
 * One local generation: the kind's generator, with progress and cancel (checked between chunks of work; the
 * signal's reason is thrown). A `requirements.format` the local provider cannot make is noted in metadata, not refused.
 */
export async function generateLocally(request: GenerationRequest, context: ProviderContext): Promise<GenerationResult> {
  context.signal.throwIfAborted();
  const { generate, file } = GENERATORS[request.kind];
  const work = workFor(context);
  const started = performance.now();
  const { bytes, metadata } = await generate(request, work);
  context.signal.throwIfAborted();
  const wanted = request.requirements.format?.toLowerCase();
  const formatNote = wanted && wanted !== file.format ? { requestedFormat: wanted, note: `the local provider makes ${file.format} only` } : {};
  context.onProgress(100, 'done');
  context.logger.debug('local asset generated', { kind: request.kind, bytes: bytes.length, ms: Math.round(performance.now() - started) });
  return { files: [{ ...file, bytes }], costUsd: 0, model: LOCAL_MODEL, metadata: { ...metadata, ...formatNote } };
}
