import { banner } from './all-in-one/banner.ts';
import { AllInOneConfigSchema } from './all-in-one/config.ts';
import { startPlatform } from './all-in-one/start.ts';
import { loadConfigOrExit } from './lib/config/config.ts';
import { processLogger } from './lib/node/runtime.ts';
import { onShutdownSignal } from './lib/node/serve.ts';

/** `npm start`: the whole platform in one Node process, on embedded defaults unless DATABASE_URL/REDIS_URL are set. */
const config = loadConfigOrExit(AllInOneConfigSchema, process.env, (code) => process.exit(code));
const logger = processLogger('gaia', config.LOG_LEVEL);
try {
  const platform = await startPlatform(config, logger);
  process.stderr.write(`${banner(platform)}\n`);
  logger.info('platform started', {
    gateway: platform.gateway.url,
    web: platform.web.url,
    database: platform.backends.describe.database,
    kv: platform.backends.describe.kv,
  });
  onShutdownSignal(logger, () => platform.close());
} catch (err) {
  logger.error('platform failed to start', { err });
  process.stderr.write(`\nGAIA could not start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
