import { DicomWebPacsClient } from './dicomweb/dicomWebPacsClient';
import { DimsePacsClient } from './dimse/dimsePacsClient';
import type { PacsClient } from './pacsClient';
import type { PacsClientOptions } from './pacsClientOptions';

/** The PacsClient the configuration asks for (`kind`: "dicomweb" or "dimse"). Throws PacsConfigError on bad settings. */
export function createPacsClient(options: PacsClientOptions): PacsClient {
  return options.kind === 'dicomweb' ? new DicomWebPacsClient(options) : new DimsePacsClient(options);
}
