/**
 * Fake provider child of the chat benchmark: `node --import tsx bench/chat/provider.ts <firstTokenMs> <tokensPerSecond> <words>`.
 * The fake OpenAI (real Chat Completions SSE protocol) answering every request with `words` words, the first after
 * `firstTokenMs`, then at a steady `tokensPerSecond`. Sends `{ baseURL, origin, pid }` over IPC once listening.
 */
import { startFakeOpenAi } from '../../apps/chat/testing/fake-openai.ts';

const [firstTokenArg, rateArg, wordsArg] = process.argv.slice(2);
const fake = await startFakeOpenAi({
  script: { firstTokenDelayMs: Number(firstTokenArg), tokensPerSecond: Number(rateArg), words: Number(wordsArg) },
});
// The fake records every request; a benchmark sends tens of thousands, so keep none.
setInterval(() => fake.requests.splice(0), 1000).unref();
process.send?.({ baseURL: fake.baseURL, origin: fake.origin, pid: process.pid });
process.on('disconnect', () => void fake.close().then(() => process.exit(0)));
