import type { BenchUser } from './identity.ts';
import type { ServiceProcess } from './services.ts';

/** A job as submitted: its id and where it went. */
export interface Submitted {
  id: string;
  instance: string;
}

/** The jobs accepted, and how many requests went to another instance because theirs never answered. */
export type SubmittedJobs = Submitted[] & { retried: number };

const SUBMIT_CONCURRENCY = 8;

/** `POST /api/v1/assets/jobs` of one image job as `user`: a new generation (`allow_database` off: no dedup, no reuse). */
function postJob(instance: ServiceProcess, user: BenchUser, description: string): Promise<Response> {
  return user.headers().then((identity) =>
    fetch(`${instance.url}/api/v1/assets/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...identity },
      body: JSON.stringify({ category: 'image', style: 'flat', description, preferences: { allow_database: false } }),
    }),
  );
}

/** Submits one job and answers its id; throws on any answer but 202. */
export async function submitOne(instance: ServiceProcess, user: BenchUser, description: string): Promise<string> {
  const res = await postJob(instance, user, description);
  const text = await res.text();
  if (res.status !== 202) throw new Error(`a job on ${instance.name}: ${res.status} ${text}`);
  return (JSON.parse(text) as { id: string }).id;
}

/**
 * Submits `count` image jobs over HTTP to the native jobs API (`POST /api/v1/assets/jobs`), `SUBMIT_CONCURRENCY` at a
 * time, round-robin over the instances `live()` answers and over `users`; every description differs and
 * `allow_database` is off, so each one is a new generation (no dedup, no reuse). A request an instance never answered
 * (killed meanwhile) goes to a live one, as a load balancer would retry it: the request hash makes that safe (a job
 * already enqueued for it is joined, not doubled). Throws on any answer but 202.
 * @example const jobs = await submitJobs(() => instances, users, 200, 'b');
 */
export async function submitJobs(live: () => ServiceProcess[], users: BenchUser[], count: number, tag: string): Promise<SubmittedJobs> {
  const submitted = new Map<string, Submitted>();
  let next = 0;
  let retried = 0;
  const one = async (i: number, tries = 0): Promise<void> => {
    const instances = live();
    const instance = instances[(i + tries) % instances.length]!;
    const user = users[i % users.length]!;
    const res = await postJob(instance, user, `benchmark ${tag} crate number ${i} with ${i % 7} iron bands`).catch((err: unknown) => {
      if (tries >= 3) throw err;
      return null;
    });
    if (!res) {
      retried++;
      return one(i, tries + 1);
    }
    const text = await res.text();
    if (res.status !== 202) throw new Error(`job ${i} on ${instance.name}: ${res.status} ${text}`);
    const job = JSON.parse(text) as { id: string };
    submitted.set(job.id, { id: job.id, instance: instance.name });
  };
  await Promise.all(
    Array.from({ length: SUBMIT_CONCURRENCY }, async () => {
      for (let i = next++; i < count; i = next++) await one(i);
    }),
  );
  return Object.assign([...submitted.values()], { retried });
}
