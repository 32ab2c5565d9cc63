import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Redis } from 'ioredis';

export interface FakeUpstash {
  /** Base REST URL, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  readonly token: string;
  /** Ends every open subscription stream, as Upstash's front does when it restarts or drops idle streams. */
  endStreams(): void;
  close(): Promise<void>;
}

export interface FakeUpstashOptions {
  /** The real Redis every command runs against. Default `redis://127.0.0.1:6379`. */
  redisUrl?: string;
  /** The bearer token clients must send. Default: random. */
  token?: string;
}

/** Commands that would change or block the shared connection's state: refused like a REST front would. */
const REFUSED = new Set([
  'subscribe', 'psubscribe', 'ssubscribe', 'unsubscribe', 'punsubscribe', 'sunsubscribe', 'monitor', 'quit',
  'reset', 'select', 'multi', 'exec', 'discard', 'watch', 'unwatch', 'hello', 'auth', 'sync', 'psync', 'shutdown',
  'blpop', 'brpop', 'brpoplpush', 'blmove', 'blmpop', 'bzpopmin', 'bzpopmax', 'bzmpop', 'wait', 'waitaof',
]);

const UNAUTHORIZED =
  'WRONGPASS invalid or missing auth token. See https://docs.upstash.com/redis/troubleshooting/http_unauthorized for details.';

type Arg = string | Buffer | number;
type Command = [string, ...Arg[]];

class RequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const errorMessage = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** A JSON body command (`["set", "k", "v"]`) as Redis arguments; numbers and booleans become strings. */
function toCommand(value: unknown): Command {
  if (!Array.isArray(value) || value.length === 0) throw new RequestError(400, 'ERR failed to parse command');
  const parts = value.map((part) => {
    if (typeof part === 'string') return part;
    if (typeof part === 'number' || typeof part === 'boolean') return String(part);
    throw new RequestError(400, 'ERR failed to parse command');
  });
  const [name, ...args] = parts as [string, ...string[]];
  if (REFUSED.has(name.toLowerCase())) throw new RequestError(400, `ERR Command is not allowed: ${name}`);
  return [name, ...args];
}

/**
 * A Redis reply as Upstash puts it in `result`: with `Upstash-Encoding: base64` every string is base64 except a
 * top-level `OK` (what @upstash/redis' decoder expects); errors nested in arrays become their message.
 */
function toWire(reply: unknown, base64: boolean, top = true): unknown {
  if (reply === null || reply === undefined) return null;
  if (Buffer.isBuffer(reply) || typeof reply === 'string') {
    const buf = Buffer.isBuffer(reply) ? reply : Buffer.from(reply);
    if (!base64) return buf.toString('utf8');
    return top && buf.length === 2 && buf.toString('latin1') === 'OK' ? 'OK' : buf.toString('base64');
  }
  if (typeof reply === 'number') return reply;
  if (typeof reply === 'bigint') return Number(reply);
  if (Array.isArray(reply)) return reply.map((item) => toWire(item, base64, false));
  if (reply instanceof Error) return reply.message;
  return String(reply);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    throw new RequestError(400, 'ERR failed to parse command');
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/**
 * A local stand-in for Upstash's HTTP front speaking the REST wire protocol @upstash/redis uses (single command
 * POST, `/pipeline`, `/multi-exec`, `/subscribe|psubscribe/<channels>` SSE, bearer or `_token` auth, base64
 * response encoding), executing every command against a REAL Redis. Only the HTTP front is fake.
 * @example
 * const fake = await startFakeUpstash({ redisUrl: 'redis://127.0.0.1:6379' });
 * const kv = createUpstashKv({ url: fake.url, token: fake.token });
 */
export async function startFakeUpstash(options: FakeUpstashOptions = {}): Promise<FakeUpstash> {
  const redisUrl = options.redisUrl ?? 'redis://127.0.0.1:6379';
  const token = options.token ?? randomBytes(16).toString('hex');
  // RESP2, as Upstash's REST replies are RESP2-shaped.
  const redis = new Redis(redisUrl, { protocol: 2, lazyConnect: true, maxRetriesPerRequest: 1 });
  redis.on('error', () => {}); // surfaced through the commands that fail
  try {
    await redis.connect();
  } catch (err) {
    redis.disconnect();
    throw new Error(`fake Upstash needs a real Redis; cannot reach it: ${errorMessage(err)}`, { cause: err });
  }
  const streams = new Set<{ res: ServerResponse; sub: Redis }>();

  const authorized = (req: IncomingMessage, url: URL) => {
    const header = req.headers.authorization ?? '';
    return header === `Bearer ${token}` || url.searchParams.get('_token') === token;
  };

  const execOne = async ([name, ...args]: Command, base64: boolean) => toWire(await redis.callBuffer(name, ...args), base64);

  const pipeline = async (commands: Command[], base64: boolean) => {
    const batch = redis.pipeline();
    for (const [name, ...args] of commands) batch.callBuffer(name, ...args);
    const results = (await batch.exec()) ?? [];
    return results.map(([err, reply]) => (err ? { error: err.message } : { result: toWire(reply, base64) }));
  };

  const multiExec = async (commands: Command[], base64: boolean) => {
    const tx = redis.multi();
    for (const [name, ...args] of commands) tx.callBuffer(name, ...args);
    const results = await tx.exec(); // rejects with EXECABORT when a command could not be queued
    if (!results) throw new RequestError(400, 'ERR transaction aborted');
    return results.map(([err, reply]) => (err ? { error: err.message } : { result: toWire(reply, base64) }));
  };

  /** `POST /subscribe/<channel>...`: server-sent events `subscribe,<ch>,<n>` then `message,<ch>,<payload>`. */
  const subscribe = async (res: ServerResponse, names: string[], pattern: boolean) => {
    if (names.length === 0) throw new RequestError(400, 'ERR wrong number of arguments');
    const sub = redis.duplicate({ lazyConnect: true });
    sub.on('error', () => {});
    const stream = { res, sub };
    let open = false;
    const pending: string[] = [];
    const emit = (data: string) => {
      // One SSE event; a payload with newlines spans several `data:` lines (per the SSE spec).
      const event = `${data
        .split('\n')
        .map((line) => `data: ${line}`)
        .join('\n')}\n\n`;
      if (open) res.write(event);
      else pending.push(event);
    };
    const end = () => {
      streams.delete(stream);
      sub.disconnect();
    };
    res.once('close', end);
    sub.on('message', (channel: string, message: string) => emit(`message,${channel},${message}`));
    sub.on('pmessage', (p: string, channel: string, message: string) => emit(`pmessage,${p},${channel},${message}`));
    try {
      await sub.connect();
      if (pattern) await sub.psubscribe(...names);
      else await sub.subscribe(...names);
    } catch (err) {
      end();
      throw new RequestError(500, `ERR ${errorMessage(err)}`);
    }
    if (res.destroyed) return end();
    streams.add(stream);
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    for (const [i, name] of names.entries()) res.write(`data: ${pattern ? 'psubscribe' : 'subscribe'},${name},${i + 1}\n\n`);
    open = true;
    for (const event of pending.splice(0)) res.write(event);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://fake-upstash');
    if (!['GET', 'HEAD', 'POST', 'PUT'].includes(req.method ?? '')) throw new RequestError(405, 'ERR method not allowed');
    if (!authorized(req, url)) throw new RequestError(401, UNAUTHORIZED);
    const base64 = String(req.headers['upstash-encoding'] ?? '').toLowerCase() === 'base64';
    const segments = url.pathname
      .split('/')
      .filter(Boolean)
      .map((s) => decodeURIComponent(s));
    const body = await readBody(req);
    const [first, ...rest] = segments;

    if (first === 'subscribe' || first === 'psubscribe') return subscribe(res, rest, first === 'psubscribe');
    if (first === 'pipeline' || first === 'multi-exec') {
      const parsed = parseJson(body);
      if (!Array.isArray(parsed) || parsed.length === 0) throw new RequestError(400, 'ERR failed to parse pipeline request');
      const commands = parsed.map(toCommand);
      return send(res, 200, first === 'pipeline' ? await pipeline(commands, base64) : await multiExec(commands, base64));
    }
    // `POST /` with a JSON array, or the command in the path (`/set/k/v`; a POST body is its last argument).
    let command: Command;
    if (first === undefined) {
      command = toCommand(parseJson(body));
    } else {
      const args: string[] = [...segments];
      for (const [key, value] of url.searchParams) if (key !== '_token') args.push(key, ...(value ? [value] : []));
      if (body && req.method !== 'GET') args.splice(segments.length, 0, body);
      command = toCommand(args);
    }
    try {
      return send(res, 200, { result: await execOne(command, base64) });
    } catch (err) {
      // A Redis error reply (`ERR ...`, `WRONGTYPE ...`) is the caller's 400; anything else is ours.
      const message = errorMessage(err);
      throw new RequestError(/^[A-Z]{2,} /.test(message) ? 400 : 500, message);
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (res.headersSent) return res.destroy();
      const status = err instanceof RequestError ? err.status : 500;
      send(res, status, { error: errorMessage(err) });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('fake Upstash: no port assigned');

  return {
    url: `http://127.0.0.1:${address.port}`,
    token,
    endStreams() {
      for (const { res, sub } of streams) {
        res.end();
        sub.disconnect();
      }
      streams.clear();
    },
    async close() {
      for (const { res, sub } of streams) {
        res.end();
        sub.disconnect();
      }
      streams.clear();
      const closing = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closing;
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
