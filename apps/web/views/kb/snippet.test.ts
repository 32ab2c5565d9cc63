import { describe, expect, it } from 'vitest';
import { markedSnippet } from './snippet.ts';

describe('markedSnippet', () => {
  it('keeps <mark> and the KB escaping as they are', () => {
    expect(markedSnippet('a &lt;b&gt; &amp; &quot;q&quot; <mark>fox</mark>')).toBe('a &lt;b&gt; &amp; &quot;q&quot; <mark>fox</mark>');
  });

  it('escapes any other markup, even inside a mark', () => {
    expect(markedSnippet('<mark><img src=x onerror=alert(1)></mark><script>x</script><mark class=a>')).toBe(
      '<mark>&lt;img src=x onerror=alert(1)&gt;</mark>&lt;script&gt;x&lt;/script&gt;&lt;mark class=a&gt;',
    );
  });

  it('escapes plain-text (semantic) snippets', () => {
    expect(markedSnippet(`it's 3 < 4 & "so"`)).toBe('it&#39;s 3 &lt; 4 &amp; &quot;so&quot;');
  });
});
