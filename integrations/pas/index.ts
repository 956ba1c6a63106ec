export { NHS_NUMBER_SYSTEM, S_NUMBER_PATTERN, type PasClient, type PasPatient, type PasAddress, type PasLookupContext } from './pasClient';
export { FhirPasClient, type FhirPasClientOptions } from './fhirPasClient';
export type { TlsOptions } from '../http/httpExchange';
export * from './errors';
