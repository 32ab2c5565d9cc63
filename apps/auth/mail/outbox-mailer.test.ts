import { describe, expect, it } from 'vitest';
import type { SqlRunner } from '../../../lib/db/types.ts';
import { createMemoryLogger } from '../../../lib/logging/logger.ts';
import { createOutboxMailer } from './outbox-mailer.ts';

describe('outbox mailer', () => {
  it('inserts the message into auth.outbox and logs recipient and subject only', async () => {
    const statements: { sql: string; params: readonly unknown[] | undefined }[] = [];
    const db: SqlRunner = {
      query: async (sql, params) => {
        statements.push({ sql, params });
        return [];
      },
      exec: async () => undefined,
    };
    const logger = createMemoryLogger();
    const text = 'Your code: Zm9vYmFyYmF6cXV4LXNlY3JldC1jb25maXJtYXRpb24tY29kZQ';
    await createOutboxMailer({ db, logger }).send({ to: 'ada@example.com', subject: 'Confirm your email address', text });

    expect(statements).toEqual([
      { sql: expect.stringMatching(/^insert into auth\.outbox \(recipient, subject, body\)/), params: ['ada@example.com', 'Confirm your email address', text] },
    ]);
    expect(logger.entries()).toEqual([
      expect.objectContaining({ level: 'info', msg: 'mail queued', recipient: 'ada@example.com', subject: 'Confirm your email address' }),
    ]);
    expect(logger.lines.join('\n')).not.toContain('Zm9vYmFy');
  });

  it('fails when the outbox cannot be written (and logs nothing)', async () => {
    const db: SqlRunner = { query: () => Promise.reject(new Error('db down')), exec: async () => undefined };
    const logger = createMemoryLogger();
    await expect(createOutboxMailer({ db, logger }).send({ to: 'a@b.co', subject: 's', text: 't' })).rejects.toThrow('db down');
    expect(logger.lines).toEqual([]);
  });
});
