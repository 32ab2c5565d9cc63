import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import { ASSET_CATEGORIES } from '../../../../lib/gaia/asset-categories.ts';
import type { AppEnv } from '../../../../lib/http/env.ts';
import type { WebDeps } from '../../deps.ts';
import { errorMessage } from '../../gateway/error-message.ts';
import { AssetJobSchema, readJson } from '../../gateway/schemas.ts';
import { callAsUser } from '../../session/call-as-user.ts';
import { requireSession } from '../../session/require-session.ts';
import type { Sessions } from '../../session/sessions.ts';
import { AssetsPage } from '../../views/assets/assets-page.tsx';
import { type AssetDraft, GenerateForm } from '../../views/assets/generate-form.tsx';
import { JobCard } from '../../views/assets/job-card.tsx';
import { isHtmx, loadGallery } from './gallery.ts';

/** The generate form: a category, a style (may be empty), what to make, and whether an existing asset may do. */
export const AssetFormSchema = z.object({
  category: z.enum(ASSET_CATEGORIES, { error: 'Please choose a category' }),
  style: z.string().trim().max(200, 'That style is too long (200 characters at most)').default(''),
  description: z.string().trim().min(1, 'Please describe the asset').max(2000, 'That description is too long (2,000 characters at most)'),
  reuse: z.literal('on').optional(),
});

const text = (value: unknown) => (typeof value === 'string' ? value : '');

/**
 * `POST /assets/jobs`: starts a job through the native jobs API. htmx gets a fresh form and the job's card for the
 * top of the gallery (or the form again with the problem); a plain form post is redirected to the gallery, or gets
 * the page with the problem in the form.
 */
export function registerPostAssetJob(app: OpenAPIHono<AppEnv>, deps: WebDeps, sessions: Sessions): void {
  app.post('/assets/jobs', requireSession(sessions), async (c) => {
    const body = await c.req.parseBody();
    const draft: AssetDraft = { category: text(body.category), style: text(body.style), description: text(body.description), reuse: body.reuse === 'on' };
    const refuse = async (error: string, status: 200 | 400 | 402 | 404 | 409 | 429) => {
      if (isHtmx(c)) return c.html(<GenerateForm draft={{ ...draft, error }} />);
      const gallery = await loadGallery(deps, sessions, c);
      return c.html(
        <AssetsPage user={c.get('session').user} jobs={gallery.jobs} nextCursor={gallery.nextCursor} budget={gallery.budget} draft={{ ...draft, error }} />,
        status,
      );
    };

    const parsed = AssetFormSchema.safeParse(body);
    if (!parsed.success) return refuse(parsed.error.issues[0]?.message ?? 'Please fill in the form', 400);
    const { category, style, description, reuse } = parsed.data;
    const res = await callAsUser(deps, sessions, c, {
      method: 'POST',
      path: '/api/v1/assets/jobs',
      json: { category, style, description, preferences: { allow_database: reuse === 'on' } },
    });
    if (!res.ok) {
      const status = res.status === 402 || res.status === 404 || res.status === 409 || res.status === 429 ? res.status : res.status < 500 ? 400 : 200;
      return refuse(await errorMessage(res), status);
    }
    const job = await readJson(res, AssetJobSchema);
    if (!job) return refuse('The asset service answered an unreadable job.', 200);
    if (!isHtmx(c)) return c.redirect('/assets', 303);
    return c.html(
      <>
        <GenerateForm draft={{ category, style, reuse: reuse === 'on' }} />
        <div hx-swap-oob="afterbegin:#asset-jobs">
          <JobCard job={job} />
        </div>
      </>,
    );
  });
}
