/**
 * CLI for the Ivanti stub: `node dist/sandbox/servicedesk/main.js --port N --api-key K`.
 * Port 0 (the default) picks a free port; the "ivanti stub ready" log line gives the tenant URL. Stops cleanly on
 * SIGTERM/SIGINT. The key is a sandbox value of your choosing; the bot must be configured with the same one.
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../../config';
import { createLogger } from '../../config/logger';
import { startIvantiStub } from './ivantiStub';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { port: { type: 'string', default: '0' }, 'api-key': { type: 'string' } } });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error('--port must be a port number 0-65535');
  const apiKey = values['api-key'];
  if (!apiKey) throw new Error('--api-key is required (any sandbox value; the client must send the same)');
  const logger = createLogger({ level: loadConfig().logLevel, name: 'ivanti-stub' });
  const stub = await startIvantiStub({ apiKey, port });
  logger.info({ baseUrl: stub.baseUrl }, 'ivanti stub ready');
  const stop = async (signal: string) => {
    logger.info({ signal }, 'ivanti stub stopping');
    await stub.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

main().catch((err: Error) => {
  process.stderr.write(`ivanti stub: ${err.message}\n`);
  process.exit(1);
});
