import type { GenerationResult } from '../types.ts';
import type { FakeServer } from './fake-http.ts';
import { caught, type RecordingContext, recordingContext } from './generation.ts';

/**
 * Starts a generation against `server`, cancels it once request number `index` arrived (mid-poll), and reports what
 * the run threw and how many requests reached the server in the 100 ms after it stopped.
 * @example expect(await cancelMidPoll(slowFake, 2, (context) => provider.generate(request, context))).toEqual({ error: …, requestsAfter: 0 });
 */
export async function cancelMidPoll(
  server: FakeServer,
  index: number,
  start: (context: RecordingContext) => Promise<GenerationResult>,
): Promise<{ error: unknown; requestsAfter: number }> {
  const context = recordingContext();
  const run = start(context);
  await server.request(index);
  context.controller.abort(new Error('job cancelled'));
  const error = await run.catch(caught);
  const count = server.requests.length;
  await new Promise((resolve) => setTimeout(resolve, 100));
  return { error, requestsAfter: server.requests.length - count };
}
