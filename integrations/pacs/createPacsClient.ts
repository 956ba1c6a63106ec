import { DicomWebPacsClient } from './dicomweb/dicomWebPacsClient';
import type * as dimseModule from './dimse/dimsePacsClient';
import type { PacsClient } from './pacsClient';
import type { PacsClientOptions } from './pacsClientOptions';

/**
 * The PacsClient the configuration asks for (`kind`: "dicomweb" or "dimse"). Throws PacsConfigError on bad settings.
 * The DIMSE client (and dcmjs-dimse with it) is loaded only when asked for (see index.ts).
 */
export function createPacsClient(options: PacsClientOptions): PacsClient {
  if (options.kind === 'dicomweb') return new DicomWebPacsClient(options);
  const { DimsePacsClient } = require('./dimse/dimsePacsClient') as typeof dimseModule;
  return new DimsePacsClient(options);
}
