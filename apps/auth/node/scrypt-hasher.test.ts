import { describe, expect, it } from 'vitest';
import { ScryptHasher } from './scrypt-hasher.ts';

const cheap = new ScryptHasher({ cost: 2 ** 4 });

describe('ScryptHasher', () => {
  it('encodes scrypt$N$r$p$salt$key with a 16-byte salt and a 32-byte key, never the password', async () => {
    const hash = await cheap.hash('correct horse battery');
    const [scheme, n, r, p, salt, key] = hash.split('$');
    expect([scheme, n, r, p]).toEqual(['scrypt', '16', '8', '1']);
    expect(Buffer.from(salt!, 'base64url')).toHaveLength(16);
    expect(Buffer.from(key!, 'base64url')).toHaveLength(32);
    expect(hash).not.toContain('correct horse');
  });

  it('uses N = 2^15, r = 8, p = 1 by default', async () => {
    expect((await new ScryptHasher().hash('pw')).split('$').slice(0, 4)).toEqual(['scrypt', '32768', '8', '1']);
  });

  it('verifies the right password only, with a fresh salt per hash', async () => {
    const hash = await cheap.hash('s3cret-pass');
    expect(await cheap.verify(hash, 's3cret-pass')).toBe(true);
    expect(await cheap.verify(hash, 's3cret-pasS')).toBe(false);
    expect(await cheap.hash('s3cret-pass')).not.toBe(hash);
  });

  it('verifies hashes made with other parameters (they travel in the encoding)', async () => {
    const hash = await new ScryptHasher({ cost: 2 ** 5, blockSize: 4, parallelization: 2 }).hash('pw-123456');
    expect(await cheap.verify(hash, 'pw-123456')).toBe(true);
  });

  it('treats canonically equivalent passwords as equal (NFKC)', async () => {
    const hash = await cheap.hash('caf\u00e9-pass');
    expect(await cheap.verify(hash, 'cafe\u0301-pass')).toBe(true);
  });

  it.each([
    '',
    'bcrypt$...',
    'scrypt$16$8$1$salt',
    'scrypt$15$8$1$c2FsdHNhbHRzYWx0c2FsdA$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5',
    'scrypt$1048576$64$1$c2FsdA$a2V5a2V5a2V5a2V5a2V5a2V5',
    'scrypt$16$8$1$not base64$a2V5',
    'scrypt$16$8$1$c2FsdA$a2V5',
  ])('answers false for the malformed hash %j', async (hash) => {
    expect(await cheap.verify(hash, 'whatever')).toBe(false);
  });

  it('refuses unusable parameters at construction', () => {
    expect(() => new ScryptHasher({ cost: 1000 })).toThrow(RangeError);
    expect(() => new ScryptHasher({ cost: 2 ** 4, blockSize: 0 })).toThrow(RangeError);
  });
});
