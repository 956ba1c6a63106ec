/**
 * CLI for the PAS stand-in: `node dist/sandbox/pas/main.js --port N [--token T]`.
 * Port 0 (the default) picks a free port; the "pas sandbox ready" log line gives the FHIR base URL. Stops cleanly on
 * SIGTERM/SIGINT. Serves the demo patients registered on PAS (sandbox/demo) under SANDBOX_S_NUMBER_SYSTEM.
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../../config';
import { createLogger } from '../../config/logger';
import { SANDBOX_S_NUMBER_SYSTEM, startPasSandbox } from './pasSandbox';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { port: { type: 'string', default: '0' }, token: { type: 'string' } } });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error('--port must be a port number 0-65535');
  const logger = createLogger({ level: loadConfig().logLevel, name: 'pas-sandbox' });
  const pas = await startPasSandbox({ port, bearerToken: values.token });
  logger.info({ baseUrl: pas.baseUrl, sNumberSystem: SANDBOX_S_NUMBER_SYSTEM, bearerToken: values.token ? 'required' : 'off' }, 'pas sandbox ready');
  const stop = async (signal: string) => {
    logger.info({ signal }, 'pas sandbox stopping');
    await pas.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

main().catch((err: Error) => {
  process.stderr.write(`pas sandbox: ${err.message}\n`);
  process.exit(1);
});
