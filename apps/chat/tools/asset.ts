import { createParser } from 'eventsource-parser';
import { z } from 'zod';
import type { Principal } from '../../../lib/auth/types.ts';
import { ASSET_CATEGORIES } from '../../../lib/gaia/asset-categories.ts';
import type { ServiceClient } from '../../../lib/service/types.ts';
import { defineTool, type Tool, type ToolContext, type ToolOutput, toolError, toolJson } from './types.ts';

/** What the asset service's tools may depend on for one chat request. */
export interface AssetToolContext {
  /** Who is chatting: asset tools act as this caller. */
  principal: Principal;
  /** The conversation, when the request belongs to one. */
  conversationId?: string;
}

/** The asset service's contribution to a chat request's tools. */
export type AssetToolHook = (ctx: AssetToolContext) => Tool[];

/** The hook when there is no asset service to call: no asset tools. */
export const noAssetTools: AssetToolHook = () => [];

const GenerateArgs = z.object({
  category: z.enum(ASSET_CATEGORIES).describe('image (a picture), texture (tileable), audio (music, sound), or a 3D model: environment, character, prop, animation'),
  description: z.string().trim().min(1).max(2000).describe('What to make, in words'),
  style: z.string().trim().max(200).default('').describe('Visual or musical style, e.g. "watercolor", "low-poly", "8-bit chiptune"'),
  quality: z.enum(['low', 'medium', 'high', 'ultra']).optional().describe('Default: the service decides (medium)'),
});

export interface AssetToolsOptions {
  /** How long `generate_asset` follows the job before answering with its state (default 25 s: under the loop's tool timeout). */
  waitMs?: number;
}

interface JobView {
  id: string;
  state: string;
  progress: number;
  progress_message?: string | null;
  source?: string | null;
  cost?: number | null;
  estimated_cost?: number;
  error?: { code: string; message: string } | null;
  asset?: {
    id: string;
    file_format: string;
    size_bytes: number;
    download_url: string;
    preview_url: string | null;
    description: string;
  } | null;
}

type Answer = { ok: true; body: unknown } | { ok: false; output: ToolOutput };

/** The asset service's error envelope (or a failure to reach it) as a tool error the model can relay. */
async function refusal(res: Response): Promise<ToolOutput> {
  const parsed = (await res.json().catch(() => null)) as { error?: { code?: unknown; message?: unknown } } | null;
  const error = parsed?.error;
  if (error && typeof error.code === 'string') return toolError(`${error.code}: ${String(error.message ?? '')}`);
  return toolError(`ASSET_ERROR: the asset service answered HTTP ${res.status}`);
}

async function call(asset: ServiceClient, path: string, signal: AbortSignal, body?: unknown): Promise<Answer> {
  let res: Response;
  try {
    res = await asset.fetch(
      new Request(`http://asset${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal,
      }),
    );
  } catch (err) {
    return { ok: false, output: toolError(`ASSET_UNAVAILABLE: the asset service could not be reached (${err instanceof Error ? err.message : String(err)})`) };
  }
  if (!res.ok) return { ok: false, output: await refusal(res) };
  return { ok: true, body: await res.json() };
}

/** What the model reads about a job: the asset's links when done, else its state. */
function describe(job: JobView): ToolOutput {
  if (job.state === 'succeeded' && job.asset) {
    return toolJson({
      state: 'succeeded',
      asset_id: job.asset.id,
      source: job.source,
      format: job.asset.file_format,
      size_bytes: job.asset.size_bytes,
      cost_usd: job.cost,
      download_url: job.asset.download_url,
      preview_url: job.asset.preview_url,
      note: 'Give the user the download link (and the preview, if any).',
    });
  }
  if (job.state === 'failed' || job.state === 'cancelled') {
    return toolError(`ASSET_${job.state.toUpperCase()}: ${job.error?.message ?? `the job was ${job.state}`}`);
  }
  return toolJson({
    state: job.state,
    job_id: job.id,
    progress: job.progress,
    status_url: `/api/v1/assets/jobs/${job.id}`,
    note: 'Still being made: tell the user it is on its way and where to follow it.',
  });
}

/**
 * Follows a job's event stream until it is finished or `waitMs` passed (answering the last state seen), reporting
 * progress on the way.
 */
async function follow(asset: ServiceClient, job: JobView, ctx: ToolContext, waitMs: number): Promise<JobView> {
  const stop = AbortSignal.any([ctx.signal, AbortSignal.timeout(waitMs)]);
  let last = job;
  let res: Response;
  try {
    res = await asset.fetch(new Request(`http://asset/api/v1/assets/jobs/${job.id}/events`, { headers: { accept: 'text/event-stream' }, signal: stop }));
  } catch {
    return last;
  }
  if (!res.ok || !res.body) {
    await res.body?.cancel().catch(() => undefined);
    return last;
  }
  let reported = -1;
  const parser = createParser({
    onEvent(event) {
      try {
        const parsed = JSON.parse(event.data) as { job?: JobView };
        if (!parsed.job) return;
        last = parsed.job;
        if (last.progress !== reported) {
          reported = last.progress;
          ctx.progress?.({ percent: last.progress, ...(last.progress_message ? { message: last.progress_message } : {}) });
        }
      } catch {
        // a heartbeat or something we do not read
      }
    },
  });
  const decoder = new TextDecoder();
  try {
    for await (const chunk of res.body) {
      parser.feed(decoder.decode(chunk, { stream: true }));
      if (['succeeded', 'failed', 'cancelled'].includes(last.state)) break;
    }
  } catch {
    // the wait ended (or the chat request did): answer with what was seen
  }
  return last;
}

/**
 * The asset service as chat tools: `generate_asset` starts a generation job as the chatting user (their budgets and
 * rights), streams its progress into the chat (`tool_progress` events) and answers the asset's links once it is
 * ready — or, for a long job, its state and where to follow it. `asset` must already carry the caller's identity
 * (`withIdentity(assetClient, tokens, principal)`); refusals (budget, validation) are tool errors naming the code.
 * @example const tools = assetTools(withIdentity(services.asset, tokens, principal));
 */
export function assetTools(asset: ServiceClient, options: AssetToolsOptions = {}): Tool[] {
  const waitMs = options.waitMs ?? 25_000;
  return [
    defineTool({
      name: 'generate_asset',
      description:
        'Generates a file for the user — an image, a tileable texture, an audio clip or a 3D model — from a description, ' +
        'and answers its download link. Existing matching assets of the user are reused at no cost.',
      source: 'asset',
      schema: GenerateArgs,
      async run(args, ctx) {
        const body = { category: args.category, description: args.description, style: args.style, ...(args.quality ? { requirements: { quality: args.quality } } : {}) };
        const created = await call(asset, '/api/v1/assets/jobs', ctx.signal, body);
        if (!created.ok) return created.output;
        const job = created.body as JobView;
        ctx.progress?.({ percent: job.progress, message: `job ${job.state}` });
        const finished = ['succeeded', 'failed', 'cancelled'].includes(job.state) ? job : await follow(asset, job, ctx, waitMs);
        return describe(finished);
      },
    }),
  ];
}
