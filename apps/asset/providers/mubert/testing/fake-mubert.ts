import { type FakeServer, jsonBody, startFakeServer } from '../../testing/fake-http.ts';

interface FakeTrack {
  id: string;
  session_id: string;
  prompt: string;
  duration: number;
  bitrate: number;
  intensity: string;
  mode: string;
  bpm: number;
  key: string;
  generations: { session_id: string; format: string; bitrate: number; status: string; url: string | null; created_at: string; generated_at: string | null }[];
}

export interface FakeMubert extends FakeServer {
  /** The API's base URL (`…/api/v3`). */
  readonly baseUrl: string;
  readonly tracks: Map<string, FakeTrack>;
}

/**
 * A fake of Mubert's Music API v3: `POST /api/v3/public/tracks` (prompt ≤ 200 characters, a duration) answers
 * `{ data: Track }` with a generation `processing`, done after `readyAfterMs` with a URL serving `audio`;
 * `GET /api/v3/public/tracks/{id}` reads it. Requests need the `customer-id` and `access-token` headers.
 */
export async function startFakeMubert(options: { customerId: string; accessToken: string; audio: Uint8Array; readyAfterMs?: number; fail?: boolean }): Promise<FakeMubert> {
  const tracks = new Map<string, FakeTrack>();
  let origin = '';
  let next = 1;
  const error = (status: number, code: string, message: string) => ({ status, json: { error: { code, message } } });
  const server = await startFakeServer((request) => {
    const file = /^\/files\/(.+)\.(mp3|wav)$/.exec(request.path);
    if (file) return { headers: { 'content-type': file[2] === 'wav' ? 'audio/wav' : 'audio/mpeg' }, body: options.audio };
    if (request.headers['customer-id'] !== options.customerId || request.headers['access-token'] !== options.accessToken) {
      return error(401, 'unauthorized', 'Invalid customer-id or access-token');
    }
    if (request.method === 'POST' && request.path === '/api/v3/public/tracks') {
      const body = jsonBody(request);
      if (typeof body.prompt !== 'string' || body.prompt.length > 200) return error(422, 'validation_error', 'prompt: max 200 characters');
      if (typeof body.duration !== 'number') return error(422, 'validation_error', 'duration: required');
      const id = `trk_${next++}`;
      const format = String(body.format ?? 'mp3');
      const track: FakeTrack = {
        id, session_id: `ses_${id}`, prompt: body.prompt, duration: body.duration, bitrate: Number(body.bitrate ?? 128),
        intensity: String(body.intensity ?? 'high'), mode: String(body.mode ?? 'track'), bpm: 96, key: 'A minor',
        generations: [{ session_id: `gen_${id}`, format, bitrate: Number(body.bitrate ?? 128), status: 'processing', url: null, created_at: new Date().toISOString(), generated_at: null }],
      };
      tracks.set(id, track);
      setTimeout(() => {
        const generation = track.generations[0]!;
        Object.assign(generation, options.fail ? { status: 'failed' } : { status: 'done', url: `${origin}/files/${id}.${format}`, generated_at: new Date().toISOString() });
      }, options.readyAfterMs ?? 60).unref();
      return { json: { data: track } };
    }
    const get = /^\/api\/v3\/public\/tracks\/([^/]+)$/.exec(request.path);
    if (request.method === 'GET' && get) {
      const track = tracks.get(decodeURIComponent(get[1]!));
      return track ? { json: { data: track } } : error(404, 'not_found', 'track not found');
    }
    return error(404, 'not_found', `no route ${request.method} ${request.path}`);
  });
  origin = server.origin;
  return Object.assign(server, { baseUrl: `${server.origin}/api/v3`, tracks });
}
