/** Private-use characters ts_headline wraps matches in; turned into `<mark>` after the text is HTML-escaped. */
export const MARK_START = '\uE000';
export const MARK_STOP = '\uE001';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * HTML-escapes text (document content is untrusted), then turns the headline markers into `<mark>` tags.
 * @example highlighted('a <b> \uE000fox\uE001') // 'a &lt;b&gt; <mark>fox</mark>'
 */
export function highlighted(text: string): string {
  return text
    .replace(/[&<>"']/g, (c) => ESCAPES[c]!)
    .replaceAll(MARK_START, '<mark>')
    .replaceAll(MARK_STOP, '</mark>');
}

/**
 * A plain excerpt (no highlighting, HTML-escaped like full-text snippets): whitespace collapsed, cut at a word
 * boundary near `max` characters.
 * @example excerpt('# Title\n\nSome   text', 200) // '# Title Some text'
 */
export function excerpt(text: string, max = 240): string {
  const flat = text.replace(/[\uE000\uE001]/g, '').replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return highlighted(flat);
  const cut = flat.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return `${highlighted(space > max / 2 ? cut.slice(0, space) : cut)}…`;
}
