import { type FakeServer, jsonBody, startFakeServer } from '../../testing/fake-http.ts';
import { hmacHex } from '../../webhook-signature.ts';
import { MESHY_SIGNATURE_HEADER } from '../api.ts';

export interface MeshyTask {
  id: string;
  mode: 'preview';
  prompt: string;
  status: 'PENDING' | 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED';
  progress: number;
  preceding_tasks: number;
  model_urls: { glb?: string; fbx?: string; obj?: string; usdz?: string };
  thumbnail_url: string;
  task_error: { message: string };
  created_at: number;
  started_at: number;
  finished_at: number;
  consumed_credits: number;
}

export interface FakeMeshy extends FakeServer {
  readonly tasks: Map<string, MeshyTask>;
}

export interface FakeMeshyOptions {
  apiKey: string;
  glb: Uint8Array;
  thumbnail: Uint8Array;
  /** Between progress steps (PENDING → 30 → 60 → 90 → SUCCEEDED). */
  stepMs?: number;
  /** The account's webhook: every status change is POSTed there, signed with `secret`. */
  webhook?: { url: string; secret: string };
  failWith?: string;
}

/**
 * A fake of Meshy's text-to-3D API: `POST /openapi/v2/text-to-3d` (mode `preview`, a prompt) → `{ result: <id> }`,
 * `GET /openapi/v2/text-to-3d/{id}` → the task object (status, progress, model_urls, thumbnail_url, task_error),
 * advancing on a timer; result files under `/assets/`. Bearer key required; Meshy's `{ message }` error bodies.
 */
export async function startFakeMeshy(options: FakeMeshyOptions): Promise<FakeMeshy> {
  const tasks = new Map<string, MeshyTask>();
  const stepMs = options.stepMs ?? 30;
  let origin = '';
  let next = 1;

  const deliver = (task: MeshyTask) => {
    if (!options.webhook) return;
    const body = JSON.stringify(task);
    const headers = { 'content-type': 'application/json', [MESHY_SIGNATURE_HEADER]: hmacHex(options.webhook.secret, body) };
    void fetch(options.webhook.url, { method: 'POST', headers, body }).catch(() => {});
  };

  function start(prompt: string): string {
    const id = `0190${String(next++).padStart(4, '0')}-meshy-task`;
    const task: MeshyTask = {
      id, mode: 'preview', prompt, status: 'PENDING', progress: 0, preceding_tasks: 1, model_urls: {}, thumbnail_url: '',
      task_error: { message: '' }, created_at: Date.now(), started_at: 0, finished_at: 0, consumed_credits: 20,
    };
    tasks.set(id, task);
    [30, 60, 90, 100].forEach((progress, i) => {
      setTimeout(() => {
        if (progress < 100) Object.assign(task, { status: 'IN_PROGRESS', progress, preceding_tasks: 0, started_at: task.started_at || Date.now() });
        else if (options.failWith) Object.assign(task, { status: 'FAILED', task_error: { message: options.failWith }, finished_at: Date.now() });
        else {
          Object.assign(task, {
            status: 'SUCCEEDED',
            progress: 100,
            finished_at: Date.now(),
            model_urls: { glb: `${origin}/assets/${id}/model.glb`, fbx: `${origin}/assets/${id}/model.fbx` },
            thumbnail_url: `${origin}/assets/${id}/preview.png`,
          });
        }
        deliver(task);
      }, stepMs * (i + 1)).unref();
    });
    return id;
  }

  const server = await startFakeServer((request) => {
    const asset = /^\/assets\/([^/]+)\/(model\.glb|preview\.png)$/.exec(request.path);
    if (asset) return { body: asset[2] === 'model.glb' ? options.glb : options.thumbnail, headers: { 'content-type': asset[2] === 'model.glb' ? 'model/gltf-binary' : 'image/png' } };
    if (request.headers.authorization !== `Bearer ${options.apiKey}`) return { status: 401, json: { message: 'Invalid API key' } };
    if (request.method === 'POST' && request.path === '/openapi/v2/text-to-3d') {
      const body = jsonBody(request);
      if (body.mode !== 'preview' || typeof body.prompt !== 'string' || !body.prompt) return { status: 400, json: { message: 'Invalid request: mode and prompt are required' } };
      if (body.prompt.length > 600) return { status: 400, json: { message: 'prompt: maximum 600 characters' } };
      return { json: { result: start(body.prompt) } };
    }
    const get = /^\/openapi\/v2\/text-to-3d\/([^/]+)$/.exec(request.path);
    if (request.method === 'GET' && get) {
      const task = tasks.get(decodeURIComponent(get[1]!));
      return task ? { json: task } : { status: 404, json: { message: 'Task not found' } };
    }
    return { status: 404, json: { message: `no route ${request.method} ${request.path}` } };
  });
  origin = server.origin;
  return Object.assign(server, { tasks });
}
