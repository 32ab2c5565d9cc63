import { Layout, type SignedInUser } from '../layout.tsx';
import { KbWriteForm } from './kb-write-form.tsx';

export interface KbPageProps {
  user: SignedInUser;
  folder: string;
  /** The write form's values and problem, after a refused save. */
  draft?: { name: string; content: string; error: string };
}

/** `GET /kb`: search (htmx partial), the folder tree (htmx partial), and a form to write into the user's folder. */
export function KbPage(props: KbPageProps) {
  return (
    <Layout title="Knowledge base · GAIA" user={props.user} active="kb" wide>
      <div class="kb">
        <aside>
          <h2>Folders</h2>
          <div id="kb-tree" hx-get="/partials/kb/tree" hx-trigger="load" hx-swap="innerHTML">
            <p class="muted">Loading…</p>
          </div>
        </aside>
        <main>
          <form id="kb-search" hx-get="/partials/kb/search" hx-target="#kb-results" hx-trigger="submit, input changed delay:400ms from:#kb-q">
            <input type="search" id="kb-q" name="q" placeholder="Search the knowledge base" aria-label="Search the knowledge base" />
          </form>
          <div id="kb-results" aria-live="polite" />
          <KbWriteForm folder={props.folder} {...(props.draft ?? {})} />
        </main>
      </div>
    </Layout>
  );
}
