import type { CdImportRequest } from './cdImportRequest';
import type { ExportRequest } from './exportRequest';
import type { ImportRequest } from './importRequest';
import type { TraumaRequest } from './traumaRequest';

export type { CdImportRequest, ExportRequest, ImportRequest, TraumaRequest };
export { TRAUMA_DESTINATIONS, DEFAULT_TRAUMA_DESTINATION_ID, type TraumaDestination } from './traumaDestinations';

/** Any validated transfer request; switch on `kind`. */
export type TransferRequest = ImportRequest | ExportRequest | TraumaRequest | CdImportRequest;
