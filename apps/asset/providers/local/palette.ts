import type { Random } from './random.ts';

export type Rgb = readonly [number, number, number];

/** Colour words a description may name, and their hue (degrees): the palette leans towards the first one named. */
const HUE_WORDS: [RegExp, number][] = [
  [/\b(red|crimson|scarlet|blood|ruby)\b/, 0],
  [/\b(orange|amber|autumn|rust|sunset)\b/, 28],
  [/\b(yellow|gold(en)?|sand|desert)\b/, 48],
  [/\b(green|forest|grass|moss|jungle|leaf|leaves)\b/, 110],
  [/\b(teal|turquoise|cyan|lagoon)\b/, 175],
  [/\b(blue|ocean|sea|water|sky|ice|frost)\b/, 215],
  [/\b(purple|violet|magic|arcane|amethyst)\b/, 275],
  [/\b(pink|rose|magenta)\b/, 325],
];

function hslToRgb(h: number, s: number, l: number): Rgb {
  const hue = ((h % 360) + 360) % 360;
  const c = (1 - Math.abs(2 * l - 1)) * s;
  const x = c * (1 - Math.abs(((hue / 60) % 2) - 1));
  const m = l - c / 2;
  const [r, g, b] = hue < 60 ? [c, x, 0] : hue < 120 ? [x, c, 0] : hue < 180 ? [0, c, x] : hue < 240 ? [0, x, c] : hue < 300 ? [x, 0, c] : [c, 0, x];
  return [Math.round((r + m) * 255), Math.round((g + m) * 255), Math.round((b + m) * 255)];
}

/** The hue a description asks for by name (`a blue crystal`), if any. */
export function hueHint(text: string): number | undefined {
  const lower = text.toLowerCase();
  return HUE_WORDS.find(([pattern]) => pattern.test(lower))?.[1];
}

/**
 * Five colours from dark to light: the three darker around a base hue (the description's colour word, else the
 * seed's) drifting a little, the two lighter either continuing the drift or turned towards the complement (a sky
 * that stands out from the land): what every local file is coloured with.
 * @example const colours = palette(seededRandom(seed, 'palette'), 'a mossy forest floor');
 */
export function palette(random: Random, text: string): Rgb[] {
  const hint = hueHint(text);
  const base = hint === undefined ? random() * 360 : hint + (random() - 0.5) * 20;
  const drift = (random() - 0.5) * 50;
  const contrast = random() < 0.5 ? 150 + random() * 60 : 0;
  const saturation = 0.35 + random() * 0.35;
  const lightness = [0.16, 0.3, 0.44, 0.62, 0.8];
  return lightness.map((l, i) => hslToRgb(base + drift * i + (i >= 3 ? contrast : 0), saturation * (1 - i * 0.08), l));
}

/** The colour at `t` ∈ [0, 1] along the palette (linear between neighbours). */
export function gradientAt(colours: readonly Rgb[], t: number): Rgb {
  const scaled = Math.min(Math.max(t, 0), 1) * (colours.length - 1);
  const i = Math.min(Math.floor(scaled), colours.length - 2);
  const f = scaled - i;
  const [a, b] = [colours[i]!, colours[i + 1]!];
  return [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f];
}

/** `#rrggbb`, for metadata. */
export const hex = (colour: Rgb): string => `#${colour.map((v) => Math.round(v).toString(16).padStart(2, '0')).join('')}`;
