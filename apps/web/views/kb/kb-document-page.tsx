import type { KbDocument } from '../../gateway/schemas.ts';
import { Layout, type SignedInUser } from '../layout.tsx';
import { KbWriteForm } from './kb-write-form.tsx';

/** `GET /kb/doc/{path}`: the document as preformatted text; the user's own documents can be edited below. */
export function KbDocumentPage(props: { user: SignedInUser; document: KbDocument; folder: string }) {
  const { document } = props;
  const own = document.path.startsWith(`${props.folder}/`);
  return (
    <Layout title={`${document.title} · GAIA`} user={props.user} active="kb">
      <main>
        <p>
          <a href="/kb">← Knowledge base</a>
        </p>
        <h1>{document.title}</h1>
        <p class="muted">
          <code>{document.path}</code>
          {document.last_commit
            ? ` · last changed ${document.last_commit.timestamp} by ${document.last_commit.author.name}: ${document.last_commit.message}`
            : ''}
        </p>
        <pre class="document" id="kb-document">
          {'\n'}
          {document.content}
        </pre>
        {own ? (
          <KbWriteForm
            folder={props.folder}
            heading="Edit"
            name={document.path.slice(props.folder.length + 1)}
            content={document.content}
          />
        ) : null}
      </main>
    </Layout>
  );
}
