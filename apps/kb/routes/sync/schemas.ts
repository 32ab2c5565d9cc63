import { z } from '@hono/zod-openapi';
import type { SyncStatus } from '../../git/types.ts';

export const SyncStatusSchema = z
  .object({
    branch: z.string(),
    head: z.string().nullable(),
    remote: z.string().nullable().openapi({ description: 'Remote URL (never with credentials); null = local only' }),
    ahead: z.number().int().openapi({ description: 'Local commits the remote does not have' }),
    behind: z.number().int().openapi({ description: 'Remote commits not merged yet' }),
    last_sync_at: z.string().nullable(),
    last_error: z.object({ code: z.string(), message: z.string() }).nullable(),
    conflict: z
      .object({ paths: z.array(z.string()), remote_head: z.string() })
      .nullable()
      .openapi({ description: 'Files both sides changed; the local branch was left as it was' }),
    syncing: z.boolean(),
  })
  .openapi('KbSyncStatus');

/** The git layer's status in the route's snake_case. */
export function syncStatusBody(status: SyncStatus): z.infer<typeof SyncStatusSchema> {
  return {
    branch: status.branch,
    head: status.head,
    remote: status.remote,
    ahead: status.ahead,
    behind: status.behind,
    last_sync_at: status.lastSyncAt,
    last_error: status.lastError,
    conflict: status.conflict ? { paths: status.conflict.paths, remote_head: status.conflict.remoteHead } : null,
    syncing: status.syncing,
  };
}
