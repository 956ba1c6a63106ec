/**
 * CLI for the IEP simulator:
 *   node dist/sandbox/iep-simulator/main.js --port 8044 --orthanc http://127.0.0.1:8043 \
 *     --deliver 'UHLPACSWFM01=UHLPACS@127.0.0.1:4242' [--deliver 'NUH Radiology PACS=AET@host:port'] \
 *     [--export-source UHLPACS@127.0.0.1:4242] [--token T] [--api-key K] \
 *     [--clock manual|realtime] [--speed 60] [--start 2026-02-02T09:00:00Z]
 * Port 0 (the default) picks a free port; the "iep simulator ready" log line gives the URLs. Stops cleanly on
 * SIGTERM/SIGINT. State is in memory only: a restart forgets every transaction.
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../../config';
import { createLogger } from '../../config/logger';
import { startIepSimulator } from './iepSimulator';
import type { DicomNode } from './studyArchive';

/** "AET@host:port" */
export function parseDicomNode(text: string): DicomNode {
  const m = /^([^@\s]{1,16})@([\w.-]+):(\d{1,5})$/.exec(text.trim());
  if (!m || Number(m[3]) > 65535) throw new Error(`"${text}" is not AET@host:port`);
  return { aet: m[1]!, host: m[2]!, port: Number(m[3]) };
}

/** "Node name=AET@host:port" */
export function parseDeliveryTarget(text: string): [string, DicomNode] {
  const eq = text.lastIndexOf('=');
  if (eq <= 0) throw new Error(`"${text}" is not "Node name=AET@host:port"`);
  return [text.slice(0, eq).trim(), parseDicomNode(text.slice(eq + 1))];
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      orthanc: { type: 'string' },
      deliver: { type: 'string', multiple: true, default: [] },
      'export-source': { type: 'string' },
      token: { type: 'string' },
      'api-key': { type: 'string' },
      clock: { type: 'string', default: 'realtime' },
      speed: { type: 'string', default: '1' },
      start: { type: 'string' },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error('--port must be a port number 0-65535');
  if (!values.orthanc) throw new Error('--orthanc (the remote trusts\' Orthanc REST URL) is required');
  if (values.clock !== 'manual' && values.clock !== 'realtime') throw new Error('--clock is manual or realtime');
  const speed = Number(values.speed);
  if (!(speed > 0)) throw new Error('--speed must be a positive number');
  const start = values.start ? new Date(values.start) : new Date();
  if (Number.isNaN(start.getTime())) throw new Error('--start must be an ISO 8601 time');

  const logger = createLogger({ level: loadConfig().logLevel, name: 'iep-simulator' });
  const sim = await startIepSimulator({
    port,
    archive: { orthancUrl: values.orthanc },
    deliveryTargets: Object.fromEntries(values.deliver.map(parseDeliveryTarget)),
    exportSource: values['export-source'] ? parseDicomNode(values['export-source']) : undefined,
    bearerToken: values.token,
    apiKey: values['api-key'],
    clock: { mode: values.clock, speed, start },
    // Ids and statuses only: never patient data.
    onEvent: (e) => logger.info({ transactionId: e.transactionId, from: e.from, to: e.to, simulatedAt: e.at }, 'iep transaction status'),
  });
  logger.info(
    { baseUrl: sim.baseUrl, controlUrl: sim.controlUrl, clock: values.clock, speed, auth: values.token || values['api-key'] ? 'required' : 'off' },
    'iep simulator ready',
  );
  const stop = async (signal: string) => {
    logger.info({ signal }, 'iep simulator stopping');
    await sim.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

if (require.main === module) {
  main().catch((err: Error) => {
    process.stderr.write(`iep simulator: ${err.message}\n`);
    process.exit(1);
  });
}
