import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../config/logger';

/** A real pino logger whose output is kept in memory, so tests can search everything that would have been logged. */
export function capturingLogger(level = 'trace'): { logger: Logger; output: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk.toString('utf8'));
      cb();
    },
  });
  return { logger: createLogger({ level }, stream), output: () => chunks.join('') };
}
