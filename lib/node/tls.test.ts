import { execFile } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Hono } from 'hono';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServiceConfigSchema } from '../config/common.ts';
import { ConfigError, parseConfig } from '../config/config.ts';
import { discoveredUrl, discoveredUrls } from '../config/discovery.ts';
import { createMemoryLogger } from '../logging/logger.ts';
import { createUndiciTransport, type UndiciTransport } from '../service/transport-undici.ts';
import { type RunningServer, serveNode } from './serve.ts';
import { loadMtls, loadMtlsOrExit, type MtlsMaterial } from './tls.ts';

const run = promisify(execFile);
const openssl = (args: string[]) => run('openssl', args);
const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

let dir: string;
/** Paths of the PEM files, by name: ca, server, client, rogue-ca, rogue (a leaf of the rogue CA). */
const pem = (name: string, kind: 'pem' | 'key') => join(dir, `${name}.${kind}`);

async function makeCa(name: string): Promise<void> {
  await openssl([
    'req', '-x509', ...EC_KEY, '-keyout', pem(name, 'key'), '-out', pem(name, 'pem'), '-days', '2', '-subj', `/CN=${name}`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
  ]);
}

async function makeLeaf(name: string, ca: string, usage: string): Promise<void> {
  const ext = join(dir, `${name}.ext`);
  await writeFile(
    ext,
    `basicConstraints = CA:FALSE\nkeyUsage = critical, digitalSignature\nextendedKeyUsage = ${usage}\nsubjectAltName = IP:127.0.0.1, DNS:localhost\n`,
  );
  const csr = join(dir, `${name}.csr`);
  await openssl(['req', '-new', ...EC_KEY, '-keyout', pem(name, 'key'), '-out', csr, '-subj', `/CN=${name}`]);
  const serial = `0x${Math.floor(Math.random() * 2 ** 48).toString(16)}`;
  await openssl([
    'x509', '-req', '-in', csr, '-CA', pem(ca, 'pem'), '-CAkey', pem(ca, 'key'), '-set_serial', serial, '-days', '2',
    '-out', pem(name, 'pem'), '-extfile', ext,
  ]);
}

const files = (name: string, ca = 'ca') => ({ MTLS_CA_FILE: pem(ca, 'pem'), MTLS_CERT_FILE: pem(name, 'pem'), MTLS_KEY_FILE: pem(name, 'key') });

async function material(name: string, ca = 'ca'): Promise<MtlsMaterial> {
  const loaded = await loadMtls(files(name, ca));
  if (!loaded) throw new Error('expected mTLS material');
  return loaded;
}

let server: RunningServer;
const serverLog = createMemoryLogger();
let reached = 0;

/** Why the server refused handshakes so far (it logs each at debug). */
const refusals = () => serverLog.entries().filter((e) => e.msg === 'TLS handshake refused').map((e) => String(e.reason));
const closers: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gaia-mtls-'));
  await Promise.all([makeCa('ca'), makeCa('rogue-ca')]);
  await Promise.all([
    makeLeaf('server', 'ca', 'serverAuth'),
    makeLeaf('client', 'ca', 'clientAuth'),
    makeLeaf('rogue', 'rogue-ca', 'serverAuth, clientAuth'),
  ]);
  const app = new Hono();
  app.get('/health', (c) => {
    reached++;
    return c.json({ status: 'ok' });
  });
  server = await serveNode({ name: 'mtls', fetch: app.fetch, port: 0, host: '127.0.0.1', logger: serverLog, tls: await material('server') });
  closers.push(() => server.close(1_000));
});

afterAll(async () => {
  for (const close of closers.reverse()) await close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function transportWith(tls: MtlsMaterial): UndiciTransport {
  const transport = createUndiciTransport({ tls });
  closers.push(() => transport.close());
  return transport;
}

describe('serveNode with mTLS', () => {
  it('serves https to a client holding a certificate of the CA', async () => {
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const transport = transportWith(await material('client'));
    const res = await transport(new Request(`${server.url}/health`));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
    const byName = await transport(new Request(`${server.url.replace('127.0.0.1', 'localhost')}/health`));
    expect(byName.status).toBe(200);
    await byName.body?.cancel();
  });

  it('refuses a client without a certificate at the handshake', async () => {
    const before = reached;
    const agent = new Agent({ connect: { ca: (await material('client')).ca } });
    closers.push(() => agent.close());
    const refused = refusals().length;
    await expect(request(`${server.url}/health`, { dispatcher: agent })).rejects.toMatchObject({ code: 'UND_ERR_SOCKET' });
    expect(reached).toBe(before);
    await expect.poll(() => refusals().slice(refused)).toEqual([expect.stringMatching(/peer did not return a certificate/i)]);
  });

  it('refuses a client whose certificate another CA signed', async () => {
    const before = reached;
    const rogue = await material('rogue', 'rogue-ca');
    const transport = transportWith({ ...rogue, ca: (await material('client')).ca });
    const refused = refusals().length;
    await expect(transport(new Request(`${server.url}/health`))).rejects.toMatchObject({ name: 'TransportError' });
    expect(reached).toBe(before);
    await expect.poll(() => refusals().slice(refused)).toEqual(['UNABLE_TO_VERIFY_LEAF_SIGNATURE']);
  });

  it('refuses plain http on the https port', async () => {
    const before = reached;
    await expect(fetch(`${server.url.replace('https:', 'http:')}/health`)).rejects.toThrow();
    expect(reached).toBe(before);
  });

  it('makes the client refuse a server whose certificate another CA signed', async () => {
    const rogueServer = await serveNode({
      name: 'rogue',
      fetch: () => new Response('should not be reached'),
      port: 0,
      host: '127.0.0.1',
      logger: createMemoryLogger(),
      tls: await material('rogue', 'rogue-ca'),
    });
    closers.push(() => rogueServer.close(1_000));
    const transport = transportWith(await material('client'));
    await expect(transport(new Request(`${rogueServer.url}/health`))).rejects.toMatchObject({ code: 'SELF_SIGNED_CERT_IN_CHAIN' });
  });
});

describe('loadMtls', () => {
  it('is off when no MTLS variable is set (empty counts as unset)', async () => {
    expect(await loadMtls({})).toBeUndefined();
    expect(await loadMtls({ MTLS_CA_FILE: '', MTLS_CERT_FILE: '', MTLS_KEY_FILE: '' })).toBeUndefined();
  });

  it('reads the three PEM files', async () => {
    const loaded = await material('client');
    expect(loaded.ca).toBe(await readFile(pem('ca', 'pem'), 'utf8'));
    expect(loaded.cert).toContain('-----BEGIN CERTIFICATE-----');
    expect(loaded.key).toContain('PRIVATE KEY-----');
  });

  it('lists the variables a partial set misses', async () => {
    const err = await loadMtls({ MTLS_CA_FILE: pem('ca', 'pem') }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    const problems = (err as ConfigError).problems;
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^MTLS_CERT_FILE: not set, but mTLS needs MTLS_CA_FILE, MTLS_CERT_FILE and MTLS_KEY_FILE together/);
    expect(problems[1]).toMatch(/^MTLS_KEY_FILE: not set/);
  });

  it('names every unreadable path and what to do', async () => {
    const missing = join(dir, 'nope.pem');
    const err = await loadMtls({ ...files('client'), MTLS_CERT_FILE: missing, MTLS_KEY_FILE: dir }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems).toEqual([
      `MTLS_CERT_FILE: cannot read ${missing} (ENOENT) — check the path (relative paths start from the working directory)`,
      `MTLS_KEY_FILE: cannot read ${dir} (EISDIR) — point it at the PEM file, not its directory`,
    ]);
  });

  it.skipIf(process.getuid?.() === 0)('says to fix the permissions of a file the service cannot read', async () => {
    const locked = join(dir, 'locked.key');
    await writeFile(locked, await readFile(pem('client', 'key')));
    await chmod(locked, 0o000);
    await expect(loadMtls({ ...files('client'), MTLS_KEY_FILE: locked })).rejects.toThrow(
      `MTLS_KEY_FILE: cannot read ${locked} (EACCES) — make it readable by the user the service runs as`,
    );
  });

  it('refuses files without the expected PEM block', async () => {
    const csr = join(dir, 'client.csr');
    await expect(loadMtls({ ...files('client'), MTLS_CERT_FILE: csr, MTLS_KEY_FILE: pem('client', 'pem') })).rejects.toMatchObject({
      problems: [
        `MTLS_CERT_FILE: ${csr} holds no PEM certificate (-----BEGIN CERTIFICATE-----) — see docs/operations.md, "mTLS between services"`,
        `MTLS_KEY_FILE: ${pem('client', 'pem')} holds no PEM private key (-----BEGIN PRIVATE KEY-----) — see docs/operations.md, "mTLS between services"`,
      ],
    });
  });

  it('refuses a key that is not the certificate’s', async () => {
    await expect(loadMtls({ ...files('client'), MTLS_KEY_FILE: pem('server', 'key') })).rejects.toThrow(
      `MTLS_KEY_FILE: ${pem('server', 'key')} is not the key of the certificate in ${pem('client', 'pem')}`,
    );
  });

  it('refuses an expired certificate', async () => {
    const later = Date.now() + 10 * 24 * 3600 * 1000;
    const err = (await loadMtls(files('client'), later).catch((e: unknown) => e)) as ConfigError;
    expect(err.problems).toHaveLength(2);
    expect(err.problems[0]).toMatch(/^MTLS_CA_FILE: the certificate in .*ca\.pem expired on .* — issue a new one$/);
    expect(err.problems[1]).toMatch(/^MTLS_CERT_FILE: the certificate in .*client\.pem expired on /);
  });

  it('loadMtlsOrExit prints every problem and exits 1', async () => {
    const lines: string[] = [];
    const exit = (code: number): never => {
      throw new Error(`exit ${code}`);
    };
    await expect(loadMtlsOrExit({ MTLS_KEY_FILE: 'key.pem' }, exit, (line) => lines.push(line))).rejects.toThrow('exit 1');
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({ level: 'fatal', msg: 'invalid mTLS configuration' });
    expect(lines[1]).toContain('MTLS_CA_FILE: not set');
    expect(lines[1]).toContain('MTLS_CERT_FILE: not set');
    expect(await loadMtlsOrExit({}, exit)).toBeUndefined();
  });
});

describe('mTLS config', () => {
  it('refuses two of the three MTLS variables, naming the missing one', () => {
    const err = (() => {
      try {
        return parseConfig(ServiceConfigSchema, { MTLS_CA_FILE: '/etc/gaia/ca.pem', MTLS_KEY_FILE: '/etc/gaia/kb.key' });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems).toEqual([
      'MTLS_CERT_FILE: not set, but mTLS needs MTLS_CA_FILE, MTLS_CERT_FILE and MTLS_KEY_FILE together (or none of them)',
    ]);
  });

  it('accepts all three or none', () => {
    expect(parseConfig(ServiceConfigSchema, {}).MTLS_CA_FILE).toBeUndefined();
    const all = parseConfig(ServiceConfigSchema, { MTLS_CA_FILE: 'ca.pem', MTLS_CERT_FILE: 'kb.pem', MTLS_KEY_FILE: 'kb.key' });
    expect(all.MTLS_KEY_FILE).toBe('kb.key');
  });

  it('discovers the internal services over https when mTLS is on', () => {
    const compose = parseConfig(ServiceConfigSchema, { SERVICE_DISCOVERY: 'compose' });
    expect(discoveredUrl(compose, 'auth')).toBe('http://auth:8000');
    expect(discoveredUrl(compose, 'auth', { tls: false })).toBe('http://auth:8000');
    expect(discoveredUrl(compose, 'auth', { tls: true })).toBe('https://auth:8000');
    expect(discoveredUrls(compose, { tls: true })).toEqual({
      auth: 'https://auth:8000',
      chat: 'https://chat:8000',
      asset: 'https://asset:8000',
      kb: 'https://kb:8000',
      web: 'http://web:8000',
    });
    const fly = parseConfig(ServiceConfigSchema, { SERVICE_DISCOVERY: 'fly', GAIA_ENV: 'staging', KB_SERVICE_URL: 'http://kb.example:9000' });
    expect(discoveredUrl(fly, 'chat', { tls: true })).toBe('https://gaia-chat-staging.internal:8000');
    expect(discoveredUrl(fly, 'kb', { tls: true })).toBe('http://kb.example:9000');
    expect(discoveredUrl(parseConfig(ServiceConfigSchema, {}), 'asset', { tls: true })).toBe('https://127.0.0.1:8003');
  });
});
