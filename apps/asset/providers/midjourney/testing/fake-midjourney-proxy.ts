import { type FakeServer, jsonBody, startFakeServer } from '../../testing/fake-http.ts';

/** A task as midjourney-proxy reports it. */
export interface ProxyTask {
  id: string;
  action: 'IMAGINE' | 'UPSCALE';
  status: 'NOT_START' | 'SUBMITTED' | 'IN_PROGRESS' | 'FAILURE' | 'SUCCESS';
  prompt: string;
  progress: string;
  imageUrl: string | null;
  failReason: string | null;
  state: string | null;
  submitTime: number;
  buttons: { customId: string; label: string; emoji: string; style: number }[];
}

export interface FakeMidjourneyProxy extends FakeServer {
  readonly tasks: Map<string, ProxyTask>;
  /** Callbacks the fake POSTed to `notifyHook`s. */
  readonly notified: ProxyTask[];
}

export interface FakeProxyOptions {
  token: string;
  /** The 4-image grid an imagine ends with, and the single image an upscale ends with. */
  grid: Uint8Array;
  upscaled: Uint8Array;
  /** Time between progress steps (25 %, 50 %, 75 %, done). */
  stepMs?: number;
  /** Make imagine tasks end in FAILURE with this reason. */
  failWith?: string;
}

/**
 * A fake midjourney-proxy: `POST /mj/submit/imagine` and `/mj/submit/action` (`{ code: 1, result: <task id> }`),
 * `GET /mj/task/{id}/fetch`, tasks that step through IN_PROGRESS to SUCCESS on a timer, POSTing each change to the
 * task's `notifyHook` (echoing its `state`, unsigned, as the real proxy does), and the result images under
 * `/attachments/`. Requests need the `mj-api-secret` header.
 */
export async function startFakeMidjourneyProxy(options: FakeProxyOptions): Promise<FakeMidjourneyProxy> {
  const tasks = new Map<string, ProxyTask>();
  const notified: ProxyTask[] = [];
  const stepMs = options.stepMs ?? 30;
  let next = 1_700_000_000_000;
  let origin = '';

  const notify = (task: ProxyTask, hook: string | undefined) => {
    if (!hook) return;
    notified.push({ ...task });
    void fetch(hook, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(task) }).catch(() => {});
  };

  function start(action: ProxyTask['action'], prompt: string, body: Record<string, unknown>): string {
    const id = String(next++);
    const hook = typeof body.notifyHook === 'string' ? body.notifyHook : undefined;
    const task: ProxyTask = {
      id, action, status: 'SUBMITTED', prompt, progress: '0%', imageUrl: null, failReason: null,
      state: typeof body.state === 'string' ? body.state : null, submitTime: Date.now(), buttons: [],
    };
    tasks.set(id, task);
    const steps = ['25%', '50%', '75%', 'done'];
    steps.forEach((step, i) => {
      setTimeout(() => {
        if (step !== 'done') Object.assign(task, { status: 'IN_PROGRESS', progress: step });
        else if (options.failWith && action === 'IMAGINE') Object.assign(task, { status: 'FAILURE', failReason: options.failWith });
        else {
          Object.assign(task, { status: 'SUCCESS', progress: '100%', imageUrl: `${origin}/attachments/${id}.png` });
          if (action === 'IMAGINE') {
            task.buttons = [1, 2, 3, 4].map((n) => ({ customId: `MJ::JOB::upsample::${n}::hash-${id}`, label: `U${n}`, emoji: '', style: 2 }));
          }
        }
        notify(task, hook);
      }, stepMs * (i + 1)).unref();
    });
    return id;
  }

  const server = await startFakeServer((request) => {
    const attachment = /^\/attachments\/(\d+)\.png$/.exec(request.path);
    if (attachment) {
      const task = tasks.get(attachment[1]!);
      if (task?.status !== 'SUCCESS') return { status: 404, body: 'not found' };
      return { headers: { 'content-type': 'image/png' }, body: task.action === 'UPSCALE' ? options.upscaled : options.grid };
    }
    if (request.headers['mj-api-secret'] !== options.token) return { status: 401, json: { code: 401, description: 'Unauthorized' } };
    if (request.method === 'POST' && request.path === '/mj/submit/imagine') {
      const body = jsonBody(request);
      if (typeof body.prompt !== 'string' || !body.prompt) return { json: { code: 4, description: 'prompt must not be blank', result: null } };
      if (body.prompt.includes('banned')) return { json: { code: 24, description: 'may contains sensitive words', result: null, properties: { bannedWord: 'banned' } } };
      return { json: { code: 1, description: 'Submit success', result: start('IMAGINE', body.prompt, body), properties: {} } };
    }
    if (request.method === 'POST' && request.path === '/mj/submit/action') {
      const body = jsonBody(request);
      const parent = tasks.get(String(body.taskId));
      if (!parent?.buttons.some((button) => button.customId === body.customId)) return { json: { code: 3, description: 'task not found or no such button', result: null } };
      return { json: { code: 1, description: 'Submit success', result: start('UPSCALE', parent.prompt, body), properties: {} } };
    }
    const fetchTask = /^\/mj\/task\/([^/]+)\/fetch$/.exec(request.path);
    if (request.method === 'GET' && fetchTask) {
      const task = tasks.get(decodeURIComponent(fetchTask[1]!));
      return task ? { json: task } : { status: 404, json: { code: 3, description: 'task not found' } };
    }
    return { status: 404, json: { code: 3, description: `no route ${request.method} ${request.path}` } };
  });
  origin = server.origin;
  return Object.assign(server, { tasks, notified });
}
