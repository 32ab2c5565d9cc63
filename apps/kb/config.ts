import { z } from 'zod';
import { CommonConfigSchema, commonChecks } from '../../lib/config/common.ts';
import { DiscoveryFields } from '../../lib/config/discovery.ts';
import { positiveInt } from '../../lib/config/fields.ts';
import { InternalKeyFields } from '../../lib/config/internal-key.ts';

const httpUrl = (example: string) =>
  z.url({ protocol: /^https?$/, message: `must be an http(s) URL, e.g. ${example}` }).optional();
const nonNegativeInt = (fallback: number) => z.coerce.number().int().min(0).default(fallback);

/** The knowledge base's settings, shared by the kb service's config and the all-in-one runner's. */
export const KbFields = {
  /** Where the clone lives; default `<DATA_DIR>/kb`. */
  KB_DIR: z.string().optional(),
  KB_GIT_REPO_URL: httpUrl('https://github.com/acme/handbook.git'),
  KB_GIT_BRANCH: z.string().regex(/^[\w./-]{1,100}$/, 'must be a branch name, e.g. main').default('main'),
  KB_GIT_USERNAME: z.string().optional(),
  KB_GIT_TOKEN: z.string().optional(),
  KB_GIT_PASSWORD: z.string().optional(),
  KB_SYNC_INTERVAL_S: nonNegativeInt(300),
  KB_WEBHOOK_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  KB_MAX_FILE_BYTES: positiveInt(1024 * 1024),
  KB_EMBEDDINGS_URL: httpUrl('http://localhost:11434/v1'),
  KB_EMBEDDINGS_API_KEY: z.string().optional(),
  KB_EMBEDDINGS_MODEL: z.string().default('text-embedding-3-small'),
  KB_EMBEDDINGS_DIMENSIONS: positiveInt(1536),
  OPENAI_API_KEY: z.string().optional(),
};

type KbFieldValues = z.infer<z.ZodObject<typeof KbFields>>;

/** The kb service's environment. */
export const KbConfigSchema = CommonConfigSchema.extend({ ...DiscoveryFields, ...InternalKeyFields, ...KbFields }).superRefine(
  (config, ctx) => {
    commonChecks(config, ctx);
    kbChecks(config, ctx);
  },
);

export type KbConfig = z.infer<typeof KbConfigSchema>;

/** Cross-field rules of {@link KbFields}. */
export function kbChecks(config: KbFieldValues, ctx: z.RefinementCtx): void {
  if (config.KB_GIT_TOKEN && config.KB_GIT_PASSWORD) {
    ctx.addIssue({ code: 'custom', message: 'set KB_GIT_TOKEN or KB_GIT_PASSWORD, not both', path: ['KB_GIT_PASSWORD'] });
  }
  if (config.KB_GIT_REPO_URL && /\/\/[^/]*@/.test(config.KB_GIT_REPO_URL)) {
    ctx.addIssue({
      code: 'custom',
      message: 'must not contain credentials: put them in KB_GIT_USERNAME and KB_GIT_TOKEN (or KB_GIT_PASSWORD)',
      path: ['KB_GIT_REPO_URL'],
    });
  }
}

/** How the kb service reaches its Git remote and embeddings provider, from config. */
export interface KbSettings {
  dir: string;
  branch: string;
  remote?: { url: string; username?: string; token?: string; password?: string };
  syncIntervalMs: number;
  webhookSecret?: string;
  maxFileBytes: number;
  embeddings?: { baseURL?: string; apiKey: string; model: string; dimensions: number };
  /** Give a brand-new local repository (no remote) a getting-started document in `shared/`. */
  seed?: boolean;
}

/**
 * The settings of {@link KbFields}. Embeddings are on when `KB_EMBEDDINGS_URL` or an API key is set (a local
 * OpenAI-compatible server may need no key: `KB_EMBEDDINGS_URL` alone works).
 * @example const settings = kbSettings(config, config.DATA_DIR);
 */
export function kbSettings(config: KbFieldValues, dataDir: string): KbSettings {
  const apiKey = config.KB_EMBEDDINGS_API_KEY ?? (config.KB_EMBEDDINGS_URL ? undefined : config.OPENAI_API_KEY);
  const embeddingsOn = config.KB_EMBEDDINGS_URL !== undefined || apiKey !== undefined;
  return {
    dir: config.KB_DIR ?? `${dataDir.replace(/\/+$/, '')}/kb`,
    branch: config.KB_GIT_BRANCH,
    ...(config.KB_GIT_REPO_URL
      ? {
          remote: {
            url: config.KB_GIT_REPO_URL,
            ...(config.KB_GIT_USERNAME ? { username: config.KB_GIT_USERNAME } : {}),
            ...(config.KB_GIT_TOKEN ? { token: config.KB_GIT_TOKEN } : {}),
            ...(config.KB_GIT_PASSWORD ? { password: config.KB_GIT_PASSWORD } : {}),
          },
        }
      : {}),
    syncIntervalMs: config.KB_SYNC_INTERVAL_S * 1000,
    ...(config.KB_WEBHOOK_SECRET ? { webhookSecret: config.KB_WEBHOOK_SECRET } : {}),
    maxFileBytes: config.KB_MAX_FILE_BYTES,
    seed: true,
    ...(embeddingsOn
      ? {
          embeddings: {
            ...(config.KB_EMBEDDINGS_URL ? { baseURL: config.KB_EMBEDDINGS_URL } : {}),
            apiKey: apiKey ?? 'unused',
            model: config.KB_EMBEDDINGS_MODEL,
            dimensions: config.KB_EMBEDDINGS_DIMENSIONS,
          },
        }
      : {}),
  };
}
