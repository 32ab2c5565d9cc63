import { execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface GitServerOptions {
  /** Directory holding the bare repositories; a temp dir (removed on close) when absent. */
  root?: string;
  /** When set, every request needs these Basic credentials (401 otherwise). */
  auth?: { username: string; password: string };
}

export interface GitServer {
  /** The clone URL of a repository created by `createRepo`/`createEmptyRepo`. */
  url: (repo: string) => string;
  root: string;
  /** A bare repository whose `branch` (default `main`) has one commit holding `files`. */
  createRepo(name: string, files: Record<string, string>, branch?: string): Promise<void>;
  /** A bare repository with no commit and no branch. */
  createEmptyRepo(name: string): Promise<void>;
  close(): Promise<void>;
}

const TEST_AUTHOR = { name: 'Git CLI', email: 'cli@example.test' };

const GIT_ENV = {
  GIT_AUTHOR_NAME: TEST_AUTHOR.name,
  GIT_AUTHOR_EMAIL: TEST_AUTHOR.email,
  GIT_COMMITTER_NAME: TEST_AUTHOR.name,
  GIT_COMMITTER_EMAIL: TEST_AUTHOR.email,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_TERMINAL_PROMPT: '0',
};

/**
 * Runs the git CLI in `cwd` with a fixed author/committer; resolves with stdout.
 * @example const head = (await gitCli(dir, 'rev-parse', 'HEAD')).trim();
 */
export function gitCli(cwd: string, ...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      ['-c', 'init.defaultBranch=main', '-c', 'commit.gpgsign=false', ...args],
      { cwd, env: { ...process.env, ...GIT_ENV }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`git ${args.join(' ')} failed: ${stderr || error.message}`));
        else resolve(stdout);
      },
    );
  });
}

/**
 * Clones `url` into `dir` with the git CLI.
 * @example await cloneWithCli(server.url('kb'), join(tmp, 'cli'));
 */
export async function cloneWithCli(url: string, dir: string): Promise<void> {
  await gitCli(dirname(dir), 'clone', '--quiet', url, dir);
}

/**
 * A local smart-HTTP Git server backed by the real `git http-backend`, for tests (clone, fetch and push).
 * @example const server = await startGitServer(); await server.createRepo('kb', { 'a.md': '# A' }); server.url('kb');
 */
export async function startGitServer(options: GitServerOptions = {}): Promise<GitServer> {
  const ownsRoot = options.root === undefined;
  const root = options.root ?? (await mkdtemp(join(tmpdir(), 'kb-git-server-')));
  await mkdir(root, { recursive: true });

  const server = createServer(function gitHttp(req, res) {
    if (options.auth && !authorized(req, options.auth)) {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="git"', 'Content-Type': 'text/plain' });
      res.end('authentication required');
      return;
    }
    runBackend(root, req, res, options.auth?.username);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;
  const bareDir = (name: string) => join(root, `${name}.git`);

  return {
    root,
    url: (repo) => `${base}/${repo}.git`,
    async createEmptyRepo(name) {
      await gitCli(root, 'init', '--quiet', '--bare', bareDir(name));
    },
    async createRepo(name, files, branch = 'main') {
      await gitCli(root, 'init', '--quiet', '--bare', `--initial-branch=${branch}`, bareDir(name));
      const work = await mkdtemp(join(tmpdir(), 'kb-git-seed-'));
      try {
        await gitCli(work, 'init', '--quiet', `--initial-branch=${branch}`);
        for (const [path, content] of Object.entries(files)) {
          await mkdir(dirname(join(work, path)), { recursive: true });
          await writeFile(join(work, path), content);
        }
        await gitCli(work, 'add', '-A');
        await gitCli(work, 'commit', '--quiet', '--allow-empty', '-m', 'Initial commit');
        await gitCli(work, 'push', '--quiet', bareDir(name), `${branch}:refs/heads/${branch}`);
      } finally {
        await rm(work, { recursive: true, force: true });
      }
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (ownsRoot) await rm(root, { recursive: true, force: true });
    },
  };
}

function authorized(req: IncomingMessage, auth: { username: string; password: string }): boolean {
  const header = req.headers.authorization ?? '';
  if (!header.startsWith('Basic ')) return false;
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  return decoded === `${auth.username}:${auth.password}`;
}

function runBackend(root: string, req: IncomingMessage, res: ServerResponse, user: string | undefined): void {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const env: Record<string, string> = {
    ...process.env,
    GIT_PROJECT_ROOT: root,
    GIT_HTTP_EXPORT_ALL: '1',
    REQUEST_METHOD: req.method ?? 'GET',
    PATH_INFO: decodeURIComponent(url.pathname),
    QUERY_STRING: url.search.slice(1),
    CONTENT_TYPE: req.headers['content-type'] ?? '',
    REMOTE_USER: user ?? 'anonymous',
    REMOTE_ADDR: req.socket.remoteAddress ?? '127.0.0.1',
  };
  if (req.headers['content-length']) env.CONTENT_LENGTH = req.headers['content-length'];
  if (req.headers['content-encoding']) env.HTTP_CONTENT_ENCODING = req.headers['content-encoding'];
  const protocol = req.headers['git-protocol'];
  if (typeof protocol === 'string') env.HTTP_GIT_PROTOCOL = protocol;

  const child = spawn('git', ['-c', 'http.receivepack=true', '-c', 'uploadpack.allowAnySHA1InWant=true', 'http-backend'], {
    env,
  });
  req.pipe(child.stdin);
  child.stdin.on('error', () => {});
  child.stderr.resume();

  let head = Buffer.alloc(0);
  let headersSent = false;
  child.stdout.on('data', (chunk: Buffer) => {
    if (headersSent) {
      res.write(chunk);
      return;
    }
    head = Buffer.concat([head, chunk]);
    const split = findHeaderEnd(head);
    if (!split) return;
    const { status, headers } = parseCgiHeaders(head.subarray(0, split.start).toString('latin1'));
    res.writeHead(status, headers);
    headersSent = true;
    const body = head.subarray(split.end);
    if (body.length > 0) res.write(body);
  });
  child.on('close', (code) => {
    if (!headersSent) {
      res.writeHead(code === 0 ? 200 : 500, { 'Content-Type': 'text/plain' });
      res.end(head);
      return;
    }
    res.end();
  });
  child.on('error', () => {
    if (!res.headersSent) res.writeHead(500);
    res.end();
  });
}

function findHeaderEnd(buffer: Buffer): { start: number; end: number } | undefined {
  const crlf = buffer.indexOf('\r\n\r\n');
  const lf = buffer.indexOf('\n\n');
  if (crlf >= 0 && (lf < 0 || crlf < lf)) return { start: crlf, end: crlf + 4 };
  if (lf >= 0) return { start: lf, end: lf + 2 };
  return undefined;
}

function parseCgiHeaders(block: string): { status: number; headers: Record<string, string> } {
  let status = 200;
  const headers: Record<string, string> = {};
  for (const line of block.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10) || 200;
    else headers[name] = value;
  }
  return { status, headers };
}
