import type { SqlRunner } from '../../../lib/db/types.ts';
import type { Logger } from '../../../lib/logging/logger.ts';
import type { Mailer } from '../deps.ts';

export interface OutboxMailerDeps {
  db: SqlRunner;
  logger: Logger;
}

/**
 * The embedded {@link Mailer}: each message becomes a row of `auth.outbox` (for a relay, an operator or a test to
 * read) and one `mail queued` log line naming only the recipient and subject — the body holds links and codes that
 * are secrets, so it never reaches the log.
 * @example const mailer = createOutboxMailer(deps); await mailer.send({ to, subject: 'Confirm your email', text });
 */
export function createOutboxMailer(deps: OutboxMailerDeps): Mailer {
  return {
    async send(message) {
      await deps.db.query('insert into auth.outbox (recipient, subject, body) values ($1, $2, $3)', [
        message.to,
        message.subject,
        message.text,
      ]);
      deps.logger.info('mail queued', { recipient: message.to, subject: message.subject });
    },
  };
}
