import type { AssetCategory } from '../../../../lib/gaia/asset-categories.ts';

/** Every category the service takes, in the order the form offers them. */
const LABELS: Record<AssetCategory, string> = {
  image: 'Image',
  texture: 'Texture',
  audio: 'Audio',
  environment: '3D environment',
  character: '3D character',
  prop: '3D prop',
  animation: '3D animation',
};

export interface AssetDraft {
  category?: string;
  style?: string;
  description?: string;
  reuse?: boolean;
  error?: string;
}

/**
 * The generate form. With htmx it posts in place (the answer is a fresh form, the new job's card going to the top of
 * the gallery); without, it posts and the browser is redirected back to the gallery.
 */
export function GenerateForm(props: { draft?: AssetDraft }) {
  const draft = props.draft ?? {};
  return (
    <form class="card" id="asset-form" method="post" action="/assets/jobs" hx-post="/assets/jobs" hx-target="this" hx-swap="outerHTML">
      <h2>Generate an asset</h2>
      {draft.error ? (
        <p class="error" role="alert">
          {draft.error}
        </p>
      ) : null}
      <label>
        Category
        <select name="category" required>
          {(Object.keys(LABELS) as AssetCategory[]).map((category) => (
            <option value={category} selected={category === (draft.category ?? 'image')}>
              {LABELS[category]}
            </option>
          ))}
        </select>
      </label>
      <label>
        Style
        <input type="text" name="style" maxlength={200} placeholder="watercolor, low-poly, 8-bit chiptune…" value={draft.style ?? ''} />
      </label>
      <label>
        Description
        <textarea name="description" rows={3} maxlength={2000} required>
          {'\n'}
          {draft.description ?? ''}
        </textarea>
      </label>
      <label class="check">
        <input type="checkbox" name="reuse" value="on" checked={draft.reuse ?? true} /> Reuse an existing asset when one matches
      </label>
      <button type="submit">Generate</button>
    </form>
  );
}
