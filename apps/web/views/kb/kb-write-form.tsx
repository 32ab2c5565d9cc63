/** The form that writes a document into the user's own folder (`users/<id>/`). */
export function KbWriteForm(props: { folder: string; name?: string; content?: string; error?: string; heading?: string }) {
  return (
    <form class="card" id="kb-write-form" method="post" action="/kb/doc">
      <h2>{props.heading ?? 'Write a document'}</h2>
      {props.error ? (
        <p class="error" role="alert">
          {props.error}
        </p>
      ) : null}
      <label>
        Path in <code>{props.folder}/</code>
        <input type="text" name="name" required placeholder="notes/ideas.md" value={props.name ?? ''} />
      </label>
      <label>
        Markdown
        <textarea name="content" rows={10} required>
          {/* The HTML parser drops a newline right after <textarea>; this one keeps the content's own. */}
          {'\n'}
          {props.content ?? ''}
        </textarea>
      </label>
      <button type="submit">Save</button>
    </form>
  );
}
