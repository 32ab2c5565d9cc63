import type { KbEntry } from '../../gateway/schemas.ts';
import { documentHref } from './kb-paths.ts';

/** One folder level (an htmx fragment); a folder loads its own entries the first time it is opened. */
export function KbTree(props: { entries: KbEntry[] }) {
  if (props.entries.length === 0) return <p class="muted">Empty.</p>;
  return (
    <ul class="tree">
      {props.entries.map((entry) =>
        entry.type === 'dir' ? (
          <li class="dir">
            <details>
              <summary hx-get={`/partials/kb/tree?path=${encodeURIComponent(entry.path)}`} hx-target="next .subtree" hx-trigger="click once">
                {entry.name}/
              </summary>
              <div class="subtree" />
            </details>
          </li>
        ) : (
          <li class="file">
            <a href={documentHref(entry.path)} title={entry.path}>
              {entry.title ?? entry.name}
            </a>
          </li>
        ),
      )}
    </ul>
  );
}
