/**
 * Server child process for the gateway benchmark: `tsx bench/gateway/servers.ts <role> <port> [upstreamUrl]`.
 * Roles: upstream (the internal service), bare-proxy (node:http + undici pool: the floor of one HTTP hop),
 * gateway-http (our gateway, service over HTTP), gateway-inprocess (our gateway, service bound in-process).
 * Logs go to stdout, which the benchmark discards: the access log's cost is part of what is measured.
 */
import { createServer } from 'node:http';
import { Pool } from 'undici';
import { createApp } from '../../apps/gateway/app.ts';
import { generateSigningKey } from '../../lib/auth/signing-keys.ts';
import { createMemoryKv } from '../../lib/kv/memory.ts';
import { processLogger } from '../../lib/node/runtime.ts';
import { serveNode } from '../../lib/node/serve.ts';
import { createMemoryRateLimiter } from '../../lib/ratelimit/memory.ts';
import { Readiness } from '../../lib/readiness/readiness.ts';
import { httpClient, inProcessClient } from '../../lib/service/client.ts';
import { createUndiciTransport } from '../../lib/service/transport-undici.ts';
import { SERVICE_NAMES, type ServiceClient, type ServiceName } from '../../lib/service/types.ts';
import { createBenchUpstream } from './upstream.ts';

const [role, portArg, upstreamUrl] = process.argv.slice(2);
const port = Number(portArg);
const logger = processLogger(role ?? 'bench', 'info');

const internalKey = await generateSigningKey('bench-gateway');

function gateway(client: (name: ServiceName) => ServiceClient) {
  const services = Object.fromEntries(SERVICE_NAMES.map((name) => [name, client(name)])) as Record<ServiceName, ServiceClient>;
  return createApp({
    logger,
    readiness: new Readiness(logger),
    services,
    probes: {},
    docsAssets: async () => null,
    options: {
      corsOrigins: ['http://localhost:8080'],
      bodyLimitBytes: 2 * 1024 * 1024,
      upstreamTimeoutMs: 60_000,
      healthTimeoutMs: 2_000,
      // Limits far above what the benchmark sends: the limiter runs on every request, nothing is refused.
      rateLimits: { anonPerMinute: 1e9, perMinute: 1e9 },
    },
    internalKey,
    kv: createMemoryKv(),
    rateLimiter: createMemoryRateLimiter(),
  });
}

switch (role) {
  case 'upstream': {
    await serveNode({ name: role, fetch: createBenchUpstream(logger).fetch, port, host: '127.0.0.1', logger });
    break;
  }
  case 'bare-proxy': {
    const pool = new Pool(upstreamUrl!, { connections: 128, pipelining: 1 });
    createServer((req, res) => {
      pool.request({ path: req.url ?? '/', method: 'GET', headers: { 'x-forwarded-for': req.socket.remoteAddress ?? '' } }).then(
        (up) => {
          res.writeHead(up.statusCode, { 'content-type': String(up.headers['content-type'] ?? 'application/json') });
          up.body.pipe(res);
        },
        () => {
          res.writeHead(502).end();
        },
      );
    }).listen(port, '127.0.0.1');
    break;
  }
  case 'gateway-http': {
    const transport = createUndiciTransport();
    const app = gateway((name) => httpClient(name, upstreamUrl!, transport));
    await serveNode({ name: role, fetch: app.fetch, port, host: '127.0.0.1', logger });
    break;
  }
  case 'gateway-inprocess': {
    const upstream = createBenchUpstream(logger);
    const app = gateway((name) => inProcessClient(name, (request) => upstream.fetch(request)));
    await serveNode({ name: role, fetch: app.fetch, port, host: '127.0.0.1', logger });
    break;
  }
  default:
    throw new Error(`unknown role ${role}`);
}
