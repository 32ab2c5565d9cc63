import type { GenerationRequest } from '../types.ts';
import { AUDIO_FORMAT, fileTooLarge, maxBytesOf, qualityOf, type Work } from './api.ts';
import { pick, randomInt, type Random, seededRandom } from './random.ts';
import { encodeWav } from './wav.ts';

type Voice = 'square' | 'triangle' | 'soft';

interface Note {
  start: number;
  length: number;
  frequency: number;
  gain: number;
}

const SCALES = { major: [0, 2, 4, 7, 9], minor: [0, 3, 5, 7, 10] } as const;
const HEADER_BYTES = 44;
const MIN_SECONDS = 0.5;

const midiToHz = (note: number): number => 440 * 2 ** ((note - 69) / 12);

/** The instrument a style suggests: chiptune → square, ambient → soft, else one the seed picks. */
function voiceFor(random: Random, style: string): Voice {
  if (/\b(chip(tune)?|8-?bit|retro|arcade)\b/i.test(style)) return 'square';
  if (/\b(ambient|calm|pad|dream(y)?|soft)\b/i.test(style)) return 'soft';
  return pick(random, ['triangle', 'soft'] as const);
}

function oscillator(voice: Voice, phase: number): number {
  const cycle = phase - Math.floor(phase);
  if (voice === 'square') return cycle < 0.5 ? 0.6 : -0.6;
  if (voice === 'triangle') return 4 * Math.abs(cycle - 0.5) - 1;
  return Math.sin(2 * Math.PI * phase) + 0.3 * Math.sin(4 * Math.PI * phase) + 0.1 * Math.sin(6 * Math.PI * phase);
}

/** Attack, decay to a sustain level, release: the gain at `t` seconds into a note of `length` seconds. */
function envelope(t: number, length: number): number {
  const [attack, decay, sustain, release] = [0.01, 0.08, 0.6, Math.min(0.08, length / 3)];
  if (t < attack) return t / attack;
  if (t < attack + decay) return 1 - ((t - attack) / decay) * (1 - sustain);
  if (t < length - release) return sustain;
  return Math.max(0, (sustain * (length - t)) / release);
}

/** A melody on a pentatonic scale (a random walk of eighth notes with rests) over a root–fifth bass line. */
function compose(random: Random, seconds: number): { notes: Note[]; tempo: number; key: string } {
  const tempo = randomInt(random, 84, 140);
  const beat = 60 / tempo;
  const mode = pick(random, ['major', 'minor'] as const);
  const root = randomInt(random, 57, 69);
  const scale = SCALES[mode];
  const notes: Note[] = [];
  let degree = randomInt(random, 0, scale.length - 1);
  for (let start = 0; start < seconds; start += beat / 2) {
    degree = Math.max(0, Math.min(scale.length * 2 - 1, degree + randomInt(random, -2, 2)));
    if (random() < 0.15) continue;
    const pitch = root + 12 * Math.floor(degree / scale.length) + scale[degree % scale.length]!;
    const length = random() < 0.25 ? beat : beat / 2;
    notes.push({ start, length: Math.min(length, seconds - start), frequency: midiToHz(pitch), gain: 0.5 });
  }
  for (let start = 0, bar = 0; start < seconds; start += beat, bar++) {
    const pitch = root - 24 + (bar % 4 === 3 ? 7 : 0);
    notes.push({ start, length: Math.min(beat * 0.9, seconds - start), frequency: midiToHz(pitch), gain: 0.35 });
  }
  return { notes, tempo, key: `${['A', 'A#', 'B', 'C', 'C#', 'D', 'D#', 'E', 'F', 'F#', 'G', 'G#'][(root - 57) % 12]} ${mode}` };
}

/**
 * A WAV clip (16-bit PCM mono) of a seed-derived tune: length and sample rate by `requirements.quality` (shorter if
 * `fileSizeMaxMb` asks), instrument by style. The same request makes the same bytes.
 */
export async function generateAudio(request: GenerationRequest, work: Work): Promise<{ bytes: Uint8Array; metadata: Record<string, unknown> }> {
  const { seconds: wanted, sampleRate } = AUDIO_FORMAT[qualityOf(request)];
  const seconds = Math.min(wanted, Math.floor((maxBytesOf(request) - HEADER_BYTES) / 2 / sampleRate * 10) / 10);
  if (seconds < MIN_SECONDS) {
    throw fileTooLarge(request, `${MIN_SECONDS} s of audio`);
  }
  const random = seededRandom(request.seed, 'melody');
  const voice = voiceFor(random, request.style);
  const { notes, tempo, key } = compose(random, seconds);
  const samples = new Float32Array(Math.round(seconds * sampleRate));
  for (const [index, note] of notes.entries()) {
    const first = Math.round(note.start * sampleRate);
    const count = Math.min(Math.round(note.length * sampleRate), samples.length - first);
    for (let i = 0; i < count; i++) {
      const t = i / sampleRate;
      samples[first + i]! += note.gain * envelope(t, note.length) * oscillator(voice, note.frequency * t);
    }
    if (index % 16 === 15) {
      work.progress(index / notes.length);
      await work.checkpoint();
    }
  }
  let peak = 0;
  for (const sample of samples) peak = Math.max(peak, Math.abs(sample));
  const scale = peak > 0 ? 0.8 / peak : 1;
  for (let i = 0; i < samples.length; i++) samples[i]! *= scale;
  return { bytes: encodeWav(samples, sampleRate), metadata: { seconds, sampleRate, channels: 1, bitsPerSample: 16, tempo, key, voice } };
}
