/**
 * CLI for the CRIS stand-in: `node dist/sandbox/ris/main.js --port N --http-port M [--mode AA|AE|AR|silent]`.
 * Port 0 (the default) picks a free port; the "ris sandbox ready" log line says which. Stops cleanly on SIGTERM/SIGINT.
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../../config';
import { createLogger } from '../../config/logger';
import { startRisControlApi } from './controlApi';
import { RIS_ACK_MODES, RisListener, type RisAckMode } from './risListener';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      'http-port': { type: 'string', default: '0' },
      mode: { type: 'string', default: 'AA' },
    },
  });
  const port = toPort(values.port, '--port');
  const httpPort = toPort(values['http-port'], '--http-port');
  const mode = values.mode as RisAckMode;
  if (!RIS_ACK_MODES.includes(mode)) throw new Error(`--mode must be one of ${RIS_ACK_MODES.join(', ')}`);

  const logger = createLogger({ level: loadConfig().logLevel, name: 'ris-sandbox' });
  const listener = new RisListener({ mode, logger });
  const mllpPort = await listener.start({ port });
  const api = await startRisControlApi(listener, { port: httpPort });
  logger.info({ mllpPort, httpPort: api.port, mode }, 'ris sandbox ready');

  const stop = async (signal: string) => {
    logger.info({ signal }, 'ris sandbox stopping');
    await Promise.all([api.close(), listener.stop()]);
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

function toPort(raw: string | undefined, flag: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`${flag} must be a port number 0-65535`);
  return n;
}

main().catch((err: Error) => {
  process.stderr.write(`ris sandbox: ${err.message}\n`);
  process.exit(1);
});
