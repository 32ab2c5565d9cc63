import { z } from 'zod';
import { LOCAL_MARKER, NO_MODEL_CONFIGURED } from './api.ts';

/** The KB's `POST /api/v1/kb/context` answer, as far as the reply uses it. */
const KbContextSchema = z.object({
  passages: z.array(
    z.object({
      path: z.string(),
      title: z.string().default(''),
      heading: z.string().default(''),
      text: z.string(),
      line_start: z.number(),
      line_end: z.number(),
    }),
  ),
});

export type KbPassage = z.infer<typeof KbContextSchema>['passages'][number];

/** The passages of a kb_context result; none when it is an error or not the KB's shape. */
export function parsePassages(result: string): KbPassage[] {
  try {
    const parsed = KbContextSchema.safeParse(JSON.parse(result));
    return parsed.success ? parsed.data.passages : [];
  } catch {
    return [];
  }
}

function excerpt(text: string, max: number): string {
  // Markdown heading lines are left out: the source label names the heading.
  const squash = (t: string) => t.replace(/\s+/g, ' ').trim();
  const flat = squash(text.replace(/^#{1,6}[ \t].*$/gm, '')) || squash(text);
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return `${space > max / 2 ? cut.slice(0, space) : cut}…`;
}

function source(passage: KbPassage): string {
  const title = passage.title || passage.path;
  // Headings are paths (`Setup › Install`) that often start with the title already.
  const { heading } = passage;
  const label = !heading || heading === title ? title : heading.startsWith(`${title} › `) ? heading : `${title} › ${heading}`;
  return `${label} (${passage.path} lines ${passage.line_start}–${passage.line_end})`;
}

/**
 * The local reply: the top passages quoted briefly with their sources, or — without passages — that no language
 * model is configured and how to configure one. Always starts with {@link LOCAL_MARKER}.
 * @example composeLocalReply('deploy', passages) // '[GAIA local] From the knowledge base on "deploy": ...'
 */
export function composeLocalReply(query: string | undefined, passages: KbPassage[], options: { maxPassages?: number; excerptChars?: number } = {}): string {
  const top = passages.slice(0, options.maxPassages ?? 3);
  if (top.length === 0) {
    const nothing = query ? `The knowledge base has nothing on "${query}". ` : '';
    return `${LOCAL_MARKER}${nothing}${NO_MODEL_CONFIGURED}`;
  }
  const lines = top.map((p, i) => `${i + 1}. "${excerpt(p.text, options.excerptChars ?? 200)}" — ${source(p)}`);
  const about = query ? ` on "${query}"` : '';
  return `${LOCAL_MARKER}From the knowledge base${about} (quoted, as no language model is configured):\n\n${lines.join('\n')}`;
}
