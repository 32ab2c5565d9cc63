/**
 * Re-chunks streamed text for GAIA clients: pieces end at word boundaries (after whitespace), and an inline
 * directive such as `{"m":"pause","p":{"secs":2}}` is never split. Feed provider deltas in; take out what may go.
 * @example const chunker = wordChunker(); for (const d of deltas) send(chunker.push(d)); send(chunker.flush());
 */
export function wordChunker(): { push(text: string): string; flush(): string } {
  let buffer = '';
  return {
    push(text) {
      buffer += text;
      const cut = safeCut(buffer);
      const out = buffer.slice(0, cut);
      buffer = buffer.slice(cut);
      return out;
    },
    flush() {
      const out = buffer;
      buffer = '';
      return out;
    },
  };
}

/** The longest prefix that ends after whitespace and outside an unfinished `{...}` directive. */
function safeCut(text: string): number {
  let depth = 0;
  let inString = false;
  let cut = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (depth > 0) {
      if (inString) {
        if (ch === '\\') i++;
        else if (ch === '"') inString = false;
      } else if (ch === '"') inString = true;
      else if (ch === '{') depth++;
      else if (ch === '}') depth--;
      continue;
    }
    if (ch === '{') depth = 1;
    else if (/\s/.test(ch)) cut = i + 1;
  }
  return cut;
}
