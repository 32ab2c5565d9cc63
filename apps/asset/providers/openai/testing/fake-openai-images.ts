import { type FakeServer, jsonBody, type Reply, startFakeServer } from '../../testing/fake-http.ts';

/** OpenAI's error body: the SDK raises its error classes from it. */
export const openAiError = (status: number, message: string, code: string | null = null): Reply => ({
  status,
  json: { error: { message, type: status >= 500 ? 'server_error' : 'invalid_request_error', param: null, code } },
});

export interface FakeOpenAiImages extends FakeServer {
  /** What the SDK takes as `baseURL`. */
  readonly baseURL: string;
}

/**
 * A fake of OpenAI's Images API (`POST /v1/images/generations`): checks the bearer key and answers with `image`
 * as `b64_json`, the way gpt-image-1 and DALL·E (with `response_format: b64_json`) do.
 * @example const fake = await startFakeOpenAiImages({ apiKey: 'sk-test', image: png });
 */
export async function startFakeOpenAiImages(options: { apiKey: string; image: Uint8Array }): Promise<FakeOpenAiImages> {
  const server = await startFakeServer((request) => {
    if (request.headers.authorization !== `Bearer ${options.apiKey}`) return openAiError(401, 'Incorrect API key provided.', 'invalid_api_key');
    if (request.method !== 'POST' || request.path !== '/v1/images/generations') return openAiError(404, `Unknown route ${request.path}`);
    const body = jsonBody(request);
    if (typeof body.prompt !== 'string' || !body.prompt) return openAiError(400, "Missing required parameter: 'prompt'.");
    const usage = { total_tokens: 4_200, input_tokens: 40, output_tokens: 4_160, input_tokens_details: { text_tokens: 40, image_tokens: 0 } };
    return { json: { created: 1_750_000_000, data: [{ b64_json: Buffer.from(options.image).toString('base64') }], usage } };
  });
  return Object.assign(server, { baseURL: `${server.origin}/v1` });
}
