import type { TransferRequest } from '../domain';
import type { ServiceRequestPriority } from '../integrations/servicedesk';

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/**
 * The one line logged with the service desk (guideline 2.7a: the logged service request). Kind, organisation,
 * counts and the date required: never the patient (the desk's records are read widely and are not encrypted by us;
 * the completed form stays in our store, found by request id).
 */
export function serviceDeskSummaryOf(request: TransferRequest): string {
  switch (request.kind) {
    case 'import':
      return `IEP import from ${request.sourceOrganisation}: ${plural(request.exams.length, 'exam', 'exams')}, required by ${request.requiredBy}`;
    case 'export':
      return `IEP export to ${request.destination.organisation}: ${plural(request.exams.length, 'exam', 'exams')}, required by ${request.requiredBy}`;
    case 'trauma':
      return `Trauma transfer to ${request.destination.organisation}: ${plural(request.studyInstanceUids.length, 'study', 'studies')}`;
    case 'cdImport':
      return `CD import: ${plural(request.cdCount, 'CD', 'CDs')}, ${plural(request.exams.length, 'study', 'studies')}${request.urgent ? ', urgent (County Hall)' : ''}`;
  }
}

/** The desk's priority: the form's choice; trauma is a clinical emergency (Appendix 4 step 15); CDs are standard. */
export function serviceDeskPriorityOf(request: TransferRequest): ServiceRequestPriority {
  switch (request.kind) {
    case 'import':
    case 'export':
      return request.priority;
    case 'trauma':
      return 'clinicalEmergency';
    case 'cdImport':
      return 'standard';
  }
}
