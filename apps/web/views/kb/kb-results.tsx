import { raw } from 'hono/html';
import type { KbHit } from '../../gateway/schemas.ts';
import { documentHref } from './kb-paths.ts';
import { markedSnippet } from './snippet.ts';

/** Search results (an htmx fragment): title, path › heading, and the snippet with only its `<mark>` tags kept. */
export function KbResults(props: { query: string; results: KbHit[] }) {
  if (props.results.length === 0) return <p class="muted">Nothing found for “{props.query}”.</p>;
  return (
    <ul class="results">
      {props.results.map((hit) => (
        <li>
          <a href={documentHref(hit.path)}>
            <strong>{hit.title}</strong>
          </a>{' '}
          <span class="muted">
            {hit.path}
            {hit.heading ? ` › ${hit.heading}` : ''}
          </span>
          <p class="snippet">{raw(markedSnippet(hit.snippet))}</p>
        </li>
      ))}
    </ul>
  );
}
