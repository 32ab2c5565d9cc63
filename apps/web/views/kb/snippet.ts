const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'", '&#x27;': "'" };
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

const decodeEntities = (text: string) => text.replace(/&(?:amp|lt|gt|quot|#39|#x27);/g, (entity) => ENTITIES[entity] ?? entity);
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (ch) => ESCAPES[ch] ?? ch);

/**
 * A search snippet as safe HTML where only `<mark>`/`</mark>` survive: the text between them is decoded (the KB
 * already escaped it) and escaped again, so nothing else the snippet contains can become markup.
 * @example markedSnippet('a &lt;b&gt; <mark>fox</mark><img src=x>') // 'a &lt;b&gt; <mark>fox</mark>&lt;img src=x&gt;'
 */
export function markedSnippet(snippet: string): string {
  return snippet
    .split(/(<\/?mark>)/)
    .map((part) => (part === '<mark>' || part === '</mark>' ? part : escapeHtml(decodeEntities(part))))
    .join('');
}
