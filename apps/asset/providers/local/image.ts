import { PNG } from 'pngjs';
import type { GenerationRequest } from '../types.ts';
import { fileTooLarge, IMAGE_SIZE, maxBytesOf, qualityOf, type Work } from './api.ts';
import { type Field, fractalNoise } from './noise.ts';
import { gradientAt, hex, palette, type Rgb } from './palette.ts';
import { pick, randomInt, type Random, seededRandom } from './random.ts';

/** A pixel's colour from its position in [0, 1)². */
type Shader = (u: number, v: number) => Rgb;

const TEXTURE_PATTERNS = ['clouds', 'marble', 'ridges', 'bricks'] as const;
type Pattern = (typeof TEXTURE_PATTERNS)[number] | 'landscape';

const MIN_SIZE = 64;
const ROWS_PER_CHECKPOINT = 32;

/** The pattern a description suggests (`stone wall` → bricks), else one the seed picks. */
function texturePattern(random: Random, text: string): Pattern {
  if (/\b(brick|wall|tiles?|cobble|masonry)\b/i.test(text)) return 'bricks';
  if (/\b(marble|stone|granite|agate)\b/i.test(text)) return 'marble';
  if (/\b(lava|rock|cliff|crack(ed)?|bark)\b/i.test(text)) return 'ridges';
  return pick(random, TEXTURE_PATTERNS);
}

/** Seamless patterns: every field wraps at the edges, and periodic terms use whole periods. */
function textureShader(pattern: Exclude<Pattern, 'landscape'>, random: Random, colours: Rgb[]): Shader {
  const noise = fractalNoise(random, 4, 5);
  const grain = fractalNoise(random, 32, 2);
  if (pattern === 'clouds') return (u, v) => gradientAt(colours, noise(u, v) * 1.3 - 0.15);
  if (pattern === 'marble') {
    const [kx, ky] = [randomInt(random, 1, 4), randomInt(random, 0, 3)];
    return (u, v) => gradientAt(colours, 0.5 + 0.5 * Math.sin(2 * Math.PI * (kx * u + ky * v) + 7 * noise(u, v)));
  }
  if (pattern === 'ridges') return (u, v) => gradientAt(colours, (1 - Math.abs(2 * noise(u, v) - 1)) ** 2 * 0.9 + 0.1 * grain(u, v));
  return bricks(random, colours, grain);
}

function bricks(random: Random, colours: Rgb[], grain: Field): Shader {
  const rows = 2 * randomInt(random, 3, 6);
  const columns = randomInt(random, 2, 5);
  const mortar = 0.06 + random() * 0.04;
  const shade = Float32Array.from({ length: rows * columns }, () => random());
  return function brick(u, v) {
    const y = v * rows;
    const row = Math.floor(y);
    const x = (u * columns + (row % 2) * 0.5) % columns;
    const column = Math.floor(x);
    const edge = Math.min(x - column, 1 - (x - column)) / columns < mortar / 2 || Math.min(y - row, 1 - (y - row)) / rows < mortar / 2;
    if (edge) return gradientAt(colours, 0.85 + 0.1 * grain(u, v));
    return gradientAt(colours, 0.15 + 0.45 * shade[row * columns + column]! + 0.25 * grain(u, v));
  };
}

/** A scene for `image`: sky, a sun, and three mountain ridges (not tileable, not meant to be). */
function landscape(random: Random, colours: Rgb[], size: number): Shader {
  const ridge = fractalNoise(random, 4, 5);
  const grain = fractalNoise(random, 64, 2);
  const sun = { u: 0.2 + random() * 0.6, v: 0.15 + random() * 0.2, r: 0.05 + random() * 0.06 };
  const layers = [0, 1, 2].map((k) => {
    const [base, amplitude, offset] = [0.45 + k * 0.14, 0.22 - k * 0.05, random()];
    const skyline = Float32Array.from({ length: size }, (_, x) => base - amplitude * ridge(x / size, offset));
    return { skyline, colour: colours[2 - k]! };
  });
  return function scene(u, v) {
    const column = Math.round(u * size);
    for (let k = layers.length - 1; k >= 0; k--) {
      const layer = layers[k]!;
      if (v > layer.skyline[column]!) {
        const lit = 0.85 + 0.3 * grain(u, v);
        return [layer.colour[0] * lit, layer.colour[1] * lit, layer.colour[2] * lit];
      }
    }
    const distance = Math.hypot(u - sun.u, v - sun.v);
    if (distance < sun.r) return [255, 244, 214];
    const glow = Math.max(0, 1 - distance / (sun.r * 4)) * 0.35;
    const sky = gradientAt(colours, 0.95 - v * 0.5);
    return [sky[0] + (255 - sky[0]) * glow, sky[1] + (240 - sky[1]) * glow, sky[2] + (200 - sky[2]) * glow];
  };
}

async function render(shader: Shader, size: number, block: number, work: Work): Promise<Buffer> {
  const rgb = new Uint8ClampedArray(size * size * 3);
  for (let y = 0; y < size; y++) {
    const v = (Math.floor(y / block) * block) / size;
    for (let x = 0; x < size; x++) {
      const [r, g, b] = shader((Math.floor(x / block) * block) / size, v);
      const at = (y * size + x) * 3;
      rgb[at] = r;
      rgb[at + 1] = g;
      rgb[at + 2] = b;
    }
    if ((y + 1) % ROWS_PER_CHECKPOINT === 0) {
      work.progress((y + 1) / size);
      await work.checkpoint();
    }
  }
  return Buffer.from(rgb.buffer);
}

const encode = (rgb: Buffer, size: number): Uint8Array =>
  PNG.sync.write(Object.assign(new PNG({ width: size, height: size }), { data: rgb }), {
    colorType: 2,
    inputColorType: 2,
    inputHasAlpha: false,
    deflateLevel: 6,
  });

/**
 * A procedural PNG for `image` (a landscape) or `texture` (a seamless pattern: clouds, marble, ridges or bricks),
 * coloured from the seed's palette, `requirements.quality` pixels a side (smaller if `fileSizeMaxMb` asks);
 * `pixel`/`8-bit` styles come out blocky. The same request makes the same bytes.
 */
export async function generateImage(request: GenerationRequest, work: Work): Promise<{ bytes: Uint8Array; metadata: Record<string, unknown> }> {
  const text = `${request.style} ${request.description}`;
  const colours = palette(seededRandom(request.seed, 'palette'), text);
  const random = seededRandom(request.seed, 'pattern');
  const pattern: Pattern = request.kind === 'texture' ? texturePattern(random, text) : 'landscape';
  const pixelated = /\b(pixel|8-?bit|16-?bit|retro)\b/i.test(request.style);
  const maxBytes = maxBytesOf(request);
  for (let size = IMAGE_SIZE[qualityOf(request)]; size >= MIN_SIZE; size /= 2) {
    const shading = seededRandom(request.seed, 'shading');
    const shader = pattern === 'landscape' ? landscape(shading, colours, size) : textureShader(pattern, shading, colours);
    const rgb = await render(shader, size, pixelated ? size / 64 : 1, work);
    const bytes = encode(rgb, size);
    if (bytes.length <= maxBytes) {
      return { bytes, metadata: { pattern, width: size, height: size, tileable: pattern !== 'landscape', palette: colours.map(hex) } };
    }
  }
  throw fileTooLarge(request, `a ${MIN_SIZE}×${MIN_SIZE} PNG`);
}
