import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../../../lib/logging/logger.ts';
import { download, type HttpCall, requestBytes } from './http.ts';
import { sniff, toGeneratedFile } from './sniff.ts';
import { type FakeServer, startFakeServer } from './testing/fake-http.ts';
import { caught, testRuntime } from './testing/generation.ts';
import { sampleFile, sampleMp3 } from './testing/samples.ts';

let server: FakeServer;
const call: HttpCall = {
  provider: 'p',
  what: 'get',
  reliability: testRuntime({ reliability: { maxAttempts: 1 } }).reliability,
  signal: new AbortController().signal,
  logger: createMemoryLogger(),
  reading: { credentials: 'P_KEY' },
};

beforeAll(async () => {
  server = await startFakeServer((request) => ({ body: Buffer.alloc(request.path === '/big' ? 4096 : 16, 1) }));
});
afterAll(() => server.close());

describe('provider HTTP helpers', () => {
  it('refuses an answer above the cap, declared or streamed', async () => {
    expect(await requestBytes(call, `${server.origin}/big`, {}, 1024).catch(caught)).toMatchObject({ kind: 'refused', message: 'p sent more than 1024 bytes: raise the size limit or ask for a smaller file' });
    server.override('/chunked', { body: Buffer.alloc(4096, 2), headers: { 'transfer-encoding': 'chunked' } });
    expect(await requestBytes(call, `${server.origin}/chunked`, {}, 1024).catch(caught)).toMatchObject({ kind: 'refused' });
    expect((await requestBytes(call, `${server.origin}/small`, {}, 1024)).bytes).toHaveLength(16);
  });

  it('downloads only http(s) result URLs', async () => {
    expect(() => download(call, 'file:///etc/passwd', 1024)).toThrow(/only http\(s\) is fetched/);
    expect(() => download(call, 'not a url', 1024)).toThrow(/not a URL/);
  });

  it('types files by their bytes, and refuses a file of the wrong kind', async () => {
    expect(sniff(await sampleFile('image'))).toEqual({ contentType: 'image/png', format: 'png' });
    expect(sniff(await sampleFile('audio'))).toEqual({ contentType: 'audio/wav', format: 'wav' });
    expect(sniff(await sampleFile('prop'))).toEqual({ contentType: 'model/gltf-binary', format: 'glb' });
    expect(sniff(sampleMp3())).toEqual({ contentType: 'audio/mpeg', format: 'mp3' });
    expect(toGeneratedFile('p', 'model3d', await sampleFile('prop')).name).toBe('model.glb');
    expect(() => toGeneratedFile('p', 'model3d', sampleMp3())).toThrow('p sent a mp3 file when asked for a 3D model');
  });
});
