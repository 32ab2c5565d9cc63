import type { AssetJob } from '../../gateway/schemas.ts';
import { assetHref, isLive } from './asset-paths.ts';

const usd = (amount: number) => `$${amount.toFixed(amount > 0 && amount < 0.01 ? 4 : 2)}`;

const STATE_TEXT: Record<AssetJob['state'], string> = {
  queued: 'Queued',
  running: 'Running',
  succeeded: 'Done',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

/** What the card says about the job's state: progress while live, the reason when it failed. */
export function stateText(job: Pick<AssetJob, 'state' | 'progress' | 'progress_message' | 'error'>): string {
  if (job.state === 'running') return `Running: ${job.progress}%${job.progress_message ? ` · ${job.progress_message}` : ''}`;
  if (job.state === 'failed' && job.error) return `Failed: ${job.error.message}`;
  return STATE_TEXT[job.state];
}

function Media(props: { job: AssetJob }) {
  const { asset, description } = props.job;
  if (!asset) return null;
  const preview = asset.preview_url ? <img src={assetHref.preview(asset.id)} alt={`Preview of ${description}`} loading="lazy" /> : null;
  if (asset.kind === 'audio') {
    return (
      <div class="media">
        {preview}
        {/* biome-ignore lint/a11y/useMediaCaption: generated music and sound carry no speech to caption; the card's heading describes it */}
        <audio controls preload="none" src={assetHref.download(asset.id, true)} aria-label={`Play ${description}`} />
      </div>
    );
  }
  return preview ? <div class="media">{preview}</div> : null;
}

function Actions(props: { job: AssetJob }) {
  const { job } = props;
  const { asset } = job;
  return (
    <div class="actions">
      {isLive(job) ? (
        <form method="post" action={assetHref.cancel(job.id)} hx-post={assetHref.cancel(job.id)} hx-target="closest article" hx-swap="outerHTML">
          <button type="submit" class="cancel">
            Cancel
          </button>
        </form>
      ) : null}
      {asset ? (
        <>
          <a href={assetHref.download(asset.id)} class="download" download>
            Download {asset.file_format.toUpperCase()}
          </a>
          <form
            method="post"
            action={assetHref.remove(asset.id)}
            hx-post={assetHref.remove(asset.id)}
            hx-target="closest article"
            hx-swap="outerHTML"
            hx-confirm="Delete this asset? Its files are removed."
          >
            <button type="submit" class="delete">
              Delete
            </button>
          </form>
        </>
      ) : null}
    </div>
  );
}

/**
 * One job of the gallery: its asset (thumbnail, audio player, download), what it cost, and while queued or running a
 * progress bar that `/static/assets.js` keeps current over `data-events` and replaces by `data-card` when it ends.
 */
export function JobCard(props: { job: AssetJob }) {
  const { job } = props;
  const live = isLive(job);
  const cost = job.cost ?? job.estimated_cost;
  return (
    <article
      class="asset-card"
      id={`job-${job.id}`}
      data-state={job.state}
      {...(live ? { 'data-events': assetHref.events(job.id), 'data-card': assetHref.card(job.id) } : {})}
    >
      <Media job={job} />
      <h3>{job.description}</h3>
      <p class="muted">
        {job.category}
        {job.style ? ` · ${job.style}` : ''} · {job.source === 'database' ? 'reused' : job.provider} · {job.cost === null ? 'est. ' : ''}
        {usd(cost)}
      </p>
      {live ? <progress max={100} value={job.progress} aria-label={`Progress of ${job.description}`} /> : null}
      <p class={job.state === 'failed' ? 'status error' : 'status'} role="status" aria-live="polite">
        {stateText(job)}
      </p>
      <Actions job={job} />
    </article>
  );
}
