export {
  SERVICE_REQUEST_KIND_LABELS,
  SERVICE_REQUEST_PRIORITY_LABELS,
  type ServiceDesk,
  type ServiceRequestToLog,
  type LoggedServiceRequest,
  type ServiceRequestKind,
  type ServiceRequestPriority,
} from './serviceDesk';
export { formatLocalCallRef, parseLocalCallRef } from './callRef';
export { LocalServiceDesk, type LocalServiceDeskOptions, type LocalServiceRequestRecord } from './localServiceDesk';
export { IvantiServiceDesk, type IvantiServiceDeskOptions, type IvantiBusinessObject } from './ivantiServiceDesk';
export { SUMMARY_MAX, NOTE_MAX } from './freeTextGuard';
export type { TlsOptions } from '../http/httpExchange';
export * from './errors';
