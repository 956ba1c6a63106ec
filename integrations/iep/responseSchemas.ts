import { z } from 'zod';
import { IEP_STATUS_NAMES } from '../../domain/lifecycle';
import type { IepDeclineReason, IepInstitution, IepMessage, IepTransaction } from './types';
import { IEP_PRIORITIES } from './types';

/**
 * zod schemas for IEP's answers (docs/iep-contract.md). Optional fields may be absent or null; both read as undefined.
 * Unknown extra fields are ignored so the peer can add to the contract without breaking us.
 */

const opt = <T extends z.ZodType>(schema: T) => schema.nullish().transform((v) => v ?? undefined);
const isoDateTime = z.iso.datetime({ offset: true });
const isoDate = z.iso.date();
const statusNames = Object.keys(IEP_STATUS_NAMES) as [keyof typeof IEP_STATUS_NAMES, ...Array<keyof typeof IEP_STATUS_NAMES>];

const institutionRef = z.object({ id: z.string().min(1), name: z.string().min(1) });

export const institutionSchema = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  parent: opt(institutionRef),
  deliveryNodes: z.array(z.string().min(1)),
});

const patientSchema = z.object({
  patientId: opt(z.string()),
  nhsNumber: opt(z.string()),
  noNhsNumberReason: opt(z.string()),
  familyName: z.string(),
  givenNames: z.array(z.string()),
  birthDate: isoDate,
  sex: opt(z.enum(['M', 'F', 'O', 'U'])),
  address: opt(z.object({ lines: z.array(z.string()), city: opt(z.string()), postalCode: opt(z.string()) })),
});

const studySchema = z.object({
  studyInstanceUid: z.string().regex(/^[0-9.]{1,64}$/),
  studyDate: opt(isoDate),
  modalities: z.array(z.string()),
  description: opt(z.string()),
  accessionNumber: opt(z.string()),
  instances: opt(z.number().int().nonnegative()),
  /** Appendix 4 step 13: a report is attached to this study on the transfer. */
  reportAttached: opt(z.boolean()),
});

export const transactionSchema = z.object({
  id: z.string().min(1).max(64),
  type: z.enum(['request', 'transfer']),
  direction: z.enum(['out', 'in']),
  externalReference: opt(z.string()),
  institution: institutionRef,
  priority: z.enum(IEP_PRIORITIES),
  deliveryNode: z.string().min(1),
  status: z.enum(statusNames),
  statusChangedAt: isoDateTime,
  createdAt: isoDateTime,
  updatedAt: isoDateTime,
  patient: patientSchema,
  dicomHeaderPatientId: opt(z.string()),
  studies: z.array(studySchema),
  decline: opt(z.object({ code: z.string(), reason: z.string() })),
  failure: opt(z.object({ reason: z.string() })),
  purgeAt: opt(isoDateTime),
  deliveredAt: opt(isoDateTime),
  messageCount: z.number().int().nonnegative(),
});

export const messageSchema = z.object({
  id: z.string().min(1),
  at: isoDateTime,
  author: z.object({ institutionId: z.string(), name: z.string() }),
  text: z.string(),
});

export const institutionsBody = z.object({ institutions: z.array(institutionSchema) });
export const transactionsPage = z.object({ transactions: z.array(transactionSchema), nextCursor: opt(z.string().min(1)) });
export const messagesBody = z.object({ messages: z.array(messageSchema) });
export const declineReasonsBody = z.object({ reasons: z.array(z.object({ code: z.string().min(1), text: z.string().min(1) })) });
const errorBody = z.object({ error: z.object({ code: z.string() }) });

/** Schema problems as "path: code" only: the values may be patient data and must never reach a message. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.code}`)
    .join('; ');
}

/** IEP's error code from an error body, if it is a plain UPPER_SNAKE code (safe to show); never its message. */
export function iepErrorCode(body: unknown): string | undefined {
  const parsed = errorBody.safeParse(body);
  const code = parsed.success ? parsed.data.error.code : undefined;
  return code !== undefined && /^[A-Z][A-Z0-9_]{0,59}$/.test(code) ? code : undefined;
}

// Compile-time checks that the schemas produce the public types.
type Assignable<T, U extends T> = U;
export type _Checks = [
  Assignable<IepInstitution, z.output<typeof institutionSchema>>,
  Assignable<IepTransaction, z.output<typeof transactionSchema>>,
  Assignable<IepMessage, z.output<typeof messageSchema>>,
  Assignable<IepDeclineReason, z.output<typeof declineReasonsBody>['reasons'][number]>,
];
