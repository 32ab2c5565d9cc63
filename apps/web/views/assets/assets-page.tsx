import type { AssetBudget, AssetJob } from '../../gateway/schemas.ts';
import { Layout, type SignedInUser } from '../layout.tsx';
import { type AssetDraft, GenerateForm } from './generate-form.tsx';
import { JobCard } from './job-card.tsx';

export interface AssetsPageProps {
  user: SignedInUser;
  jobs: AssetJob[];
  /** The next page's cursor (`?cursor=`), when there are older jobs. */
  nextCursor: string | null;
  budget: AssetBudget | null;
  /** Why the gallery could not be loaded. */
  error?: string;
  draft?: AssetDraft;
}

function Budget(props: { budget: AssetBudget }) {
  const { daily, monthly } = props.budget;
  return (
    <p class="muted" id="asset-budget">
      Budget left: ${daily.remaining.toFixed(2)} of ${daily.limit.toFixed(2)} today · ${monthly.remaining.toFixed(2)} of ${monthly.limit.toFixed(2)}{' '}
      this month
    </p>
  );
}

/** The gallery of the user's jobs, newest first, under the generate form. */
export function AssetList(props: { jobs: AssetJob[] }) {
  return (
    <div id="asset-jobs" class="asset-grid">
      {props.jobs.map((job) => (
        <JobCard job={job} />
      ))}
    </div>
  );
}

/** `GET /assets`: generate, follow and manage images, textures, audio and 3D models. */
export function AssetsPage(props: AssetsPageProps) {
  return (
    <Layout title="Assets · GAIA" user={props.user} active="assets" wide scripts={['assets.js']}>
      <main class="assets">
        <h1>Assets</h1>
        {props.budget ? <Budget budget={props.budget} /> : null}
        <GenerateForm {...(props.draft ? { draft: props.draft } : {})} />
        <h2 id="gallery-title">Your assets</h2>
        {props.error ? (
          <p class="error" role="alert">
            {props.error}
          </p>
        ) : null}
        <AssetList jobs={props.jobs} />
        <p class="muted empty">Nothing yet: what you generate appears here.</p>
        {props.nextCursor ? (
          <p>
            <a href={`/assets?${new URLSearchParams({ cursor: props.nextCursor })}`} rel="next">
              Older assets
            </a>
          </p>
        ) : null}
      </main>
    </Layout>
  );
}

/** A page for an asset that is not there (or not the user's), or whose file the platform could not give. */
export function AssetMissingPage(props: { user: SignedInUser; message: string }) {
  return (
    <Layout title="Asset not found · GAIA" user={props.user} active="assets">
      <main>
        <h1>Asset not available</h1>
        <p role="alert">{props.message}</p>
        <p>
          <a href="/assets">Back to your assets</a>
        </p>
      </main>
    </Layout>
  );
}
