import { z } from 'zod';

/**
 * The bodies the simulator accepts, checked as a strict integration point would (docs/iep-contract.md). Written
 * separately from integrations/iep's response schemas on purpose: the sandbox may not import integrations, and two
 * independent readings of the contract meeting over the wire is what the contract tests exercise.
 */

export const SIM_PRIORITIES = ['Normal', 'Batch', 'Clinical emergency'] as const;
const isoDate = z.iso.date();
const ref = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/);
const text = (max: number) => z.string().trim().min(1).max(max);

const patient = z.object({
  patientId: text(64).optional(),
  nhsNumber: z.string().regex(/^\d{10}$/).optional(),
  noNhsNumberReason: text(200).optional(),
  familyName: text(64),
  givenNames: z.array(text(64)).max(5),
  birthDate: isoDate,
  sex: z.enum(['M', 'F', 'O', 'U']).optional(),
  address: z.object({ lines: z.array(text(100)).min(1).max(5), city: text(64).optional(), postalCode: text(10).optional() }).optional(),
});

const exam = z
  .object({
    studyDate: isoDate.optional(),
    dateFrom: isoDate.optional(),
    dateTo: isoDate.optional(),
    modality: z.string().regex(/^[A-Z]{2}$/).optional(),
    description: text(200).optional(),
    accessionNumber: text(16).optional(),
    examCode: text(16).optional(),
  })
  // Appendix 2: "state each examination and date of scan required. Stating 'All imaging' will not be accepted."
  .refine((e) => e.studyDate !== undefined || (e.dateFrom !== undefined && e.dateTo !== undefined), {
    message: 'each exam needs a study date or a date range',
  })
  .refine((e) => e.dateFrom === undefined || e.dateTo === undefined || e.dateFrom <= e.dateTo, { message: 'dateFrom is after dateTo' });

export const newRequestBody = z.object({
  externalReference: ref,
  institutionId: text(64),
  priority: z.enum(SIM_PRIORITIES),
  deliveryNode: text(64),
  patient,
  dicomHeaderPatientId: text(64).optional(),
  exams: z.array(exam).min(1).max(50),
  // Optional in the contract: without it the sending trust may decline (Appendix 1 step 3), which is not a 400.
  requestedBy: z.object({ clinician: text(100), consultant: text(100), department: text(100), contact: text(200).optional() }).optional(),
  requiredBy: isoDate.optional(),
  comments: text(2000).optional(),
});

export const newTransferBody = z.object({
  externalReference: ref,
  institutionId: text(64),
  priority: z.enum(SIM_PRIORITIES),
  deliveryNode: text(64),
  patient,
  studies: z
    .array(z.object({ studyInstanceUid: z.string().regex(/^[0-9.]{1,64}$/), reportText: text(20000).optional() }))
    .min(1)
    .max(100),
  recipient: z.object({ name: text(100), position: text(100).optional(), phone: text(40).optional(), email: text(200).optional() }).optional(),
  requiredBy: isoDate.optional(),
  comments: text(2000).optional(),
});

export const newMessageBody = z.object({ text: text(4000), clientMessageId: ref });

export type NewRequestBody = z.infer<typeof newRequestBody>;
export type NewTransferBody = z.infer<typeof newTransferBody>;
export type WirePatient = NewRequestBody['patient'];
export type WireExam = NewRequestBody['exams'][number];

/** Validation problems as "path: message" (our own messages, or zod's, which do not echo values). */
export function validationDetails(error: z.ZodError): string[] {
  return error.issues.slice(0, 10).map((i) => `${i.path.length ? i.path.join('.') : '(body)'}: ${i.message}`);
}
