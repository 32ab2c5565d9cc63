import { type FakeServer, formFields, type Reply, startFakeServer } from '../../testing/fake-http.ts';

/** Stability's error body: `{ id, name, errors[] }`. */
export const stabilityError = (status: number, name: string, message: string): Reply => ({ status, json: { id: 'a1b2c3', name, errors: [message] } });

/**
 * A fake of Stability's `POST /v2beta/stable-image/generate/{core|ultra|sd3}`: checks the bearer key, reads the
 * multipart form (a prompt is required), answers with the image's bytes for `Accept: image/*` (with `finish-reason`
 * and `seed` headers) or `{ image, finish_reason, seed }` for `Accept: application/json`. A prompt containing
 * `forbidden` comes back `CONTENT_FILTERED`.
 */
export async function startFakeStability(options: { apiKey: string; image: Uint8Array }): Promise<FakeServer> {
  return startFakeServer(async (request) => {
    if (request.headers.authorization !== `Bearer ${options.apiKey}`) return stabilityError(401, 'unauthorized', 'authorization: invalid or missing');
    if (request.method !== 'POST' || !/^\/v2beta\/stable-image\/generate\/(core|ultra|sd3)$/.test(request.path)) return stabilityError(404, 'not_found', 'not found');
    if (!String(request.headers['content-type']).startsWith('multipart/form-data')) return stabilityError(400, 'bad_request', 'content-type: must be multipart/form-data');
    const fields = await formFields(request);
    if (!fields.prompt) return stabilityError(400, 'bad_request', 'prompt: cannot be empty');
    const finishReason = fields.prompt.includes('forbidden') ? 'CONTENT_FILTERED' : 'SUCCESS';
    const seed = fields.seed ?? '0';
    if (String(request.headers.accept).includes('application/json')) {
      return { json: { image: Buffer.from(options.image).toString('base64'), finish_reason: finishReason, seed: Number(seed) } };
    }
    return { headers: { 'content-type': 'image/png', 'finish-reason': finishReason, seed }, body: options.image };
  });
}
