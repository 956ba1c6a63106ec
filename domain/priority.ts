import type { RequestKind } from './requestKind';

/**
 * How fast a request must go. Imports and exports are Blue Light or Standard (2.3a, 2.6a); IEP also offers Batch,
 * overnight transfers, on requests for images (Appendix 1, step 5), so only imports may be Batch.
 * Trauma transfers always go at clinical-emergency priority (Appendix 4, step 15) and carry no choice.
 */
export const PRIORITIES = ['blueLight', 'standard', 'batch'] as const;

/** One of PRIORITIES. */
export type Priority = (typeof PRIORITIES)[number];

/** Priorities an export may use. */
export type ExportPriority = Exclude<Priority, 'batch'>;

/** Words shown on cards, as the forms print them. */
export const PRIORITY_LABELS: Record<Priority, string> = {
  blueLight: 'Blue Light (emergency only)',
  standard: 'Standard',
  batch: 'Batch (overnight)',
};

/** The priorities a kind of request may choose from; empty for trauma (always clinical emergency). */
export function prioritiesFor(kind: RequestKind): readonly Priority[] {
  switch (kind) {
    case 'import':
      return PRIORITIES;
    case 'export':
      return ['blueLight', 'standard'];
    case 'trauma':
    case 'cdImport':
      return [];
  }
}

/** "Reason for Priority" on Appendix 3, in the form's order. */
export const PRIORITY_REASONS = [
  'blueLightEmergency',
  'inpatientAdmission',
  'mdtReferral',
  'outpatientAppointment',
  'research',
  'other',
] as const;

/** One of PRIORITY_REASONS. */
export type PriorityReason = (typeof PRIORITY_REASONS)[number];

/** The form's words for each reason. */
export const PRIORITY_REASON_LABELS: Record<PriorityReason, string> = {
  blueLightEmergency: 'Blue Light – emergency admission or surgery in next 12 hours',
  inpatientAdmission: 'Inpatient admission',
  mdtReferral: 'MDT Referral',
  outpatientAppointment: 'Outpatient appointment',
  research: 'Research',
  other: 'Other',
};

/**
 * Appendix 3 marks the Blue Light reason "only": Blue Light is for "emergency admission or surgery in next 12 hours"
 * (2.3a: "patients due in theatre in the next few hours, or being transferred into the UHL by ambulance"), and that
 * reason is for Blue Light. True when the pair is consistent.
 */
export function priorityMatchesReason(priority: Priority, reason: PriorityReason): boolean {
  return (priority === 'blueLight') === (reason === 'blueLightEmergency');
}
