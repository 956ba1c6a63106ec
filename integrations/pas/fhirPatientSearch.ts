import { z } from 'zod';
import type { PasAddress, PasPatient } from './pasClient';

/**
 * Reads a FHIR R4 Patient search answer (a Bundle of type "searchset") into what the workflow needs. Pure: no I/O, so
 * the odd shapes a PAS can send are unit-tested here and the client only maps the outcome to typed errors.
 *
 * FHIR R4 references: Bundle (http://hl7.org/fhir/R4/bundle.html), search result entries with search.mode "match"
 * versus "include"/"outcome" (http://hl7.org/fhir/R4/search.html#3.1.1.4), Patient
 * (http://hl7.org/fhir/R4/patient.html), HumanName.use / Address.use and their period.end.
 */

const period = z.object({ start: z.string().optional(), end: z.string().optional() }).optional();

const identifierSchema = z.object({
  system: z.string().optional(),
  value: z.string().optional(),
  period,
});

const humanNameSchema = z.object({
  use: z.string().optional(),
  family: z.string().optional(),
  given: z.array(z.string()).optional(),
  period,
});

const addressSchema = z.object({
  use: z.string().optional(),
  type: z.string().optional(),
  line: z.array(z.string()).optional(),
  city: z.string().optional(),
  district: z.string().optional(),
  postalCode: z.string().optional(),
  period,
});

const patientSchema = z.object({
  resourceType: z.literal('Patient'),
  id: z.string().optional(),
  active: z.boolean().optional(),
  identifier: z.array(identifierSchema).optional(),
  name: z.array(humanNameSchema).optional(),
  gender: z.enum(['male', 'female', 'other', 'unknown']).optional(),
  birthDate: z.string().optional(),
  address: z.array(addressSchema).optional(),
});

const bundleSchema = z.object({
  resourceType: z.literal('Bundle'),
  type: z.literal('searchset'),
  total: z.number().int().nonnegative().optional(),
  entry: z
    .array(
      z.object({
        resource: z.object({ resourceType: z.string() }).loose().optional(),
        search: z.object({ mode: z.string().optional() }).optional(),
      }),
    )
    .optional(),
});

export type PatientSearchOutcome =
  | { kind: 'none' }
  | { kind: 'one'; patient: PasPatient }
  | { kind: 'many'; count: number }
  | { kind: 'mismatch' }
  | { kind: 'malformed'; problem: string };

export interface PatientSearchSystems {
  sNumberSystem: string;
  nhsNumberSystem: string;
}

/** Schema problems as "path: code" only: zod messages are safe today, but the values must never reach a message. */
function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.code}`)
    .join('; ');
}

const FULL_DATE = /^\d{4}-\d{2}-\d{2}$/;

function isCurrent(p: { period?: { end?: string } }, today: string): boolean {
  // FHIR period.end is inclusive; a date or dateTime compares correctly as text on its first 10 characters.
  return p.period?.end === undefined || p.period.end.slice(0, 10) >= today;
}

/** Official name first (the one PAS registers), then usual, then any current name that is not "old". */
function pickName<T extends { use?: string; period?: { end?: string } }>(names: T[], today: string): T | undefined {
  const current = names.filter((n) => n.use !== 'old' && isCurrent(n, today));
  return current.find((n) => n.use === 'official') ?? current.find((n) => n.use === 'usual') ?? current[0];
}

/** The current home address, else any current one that is not "old" or a billing/postal-only address. */
function pickAddress(addresses: z.infer<typeof addressSchema>[], today: string): PasAddress | undefined {
  const current = addresses.filter((a) => a.use !== 'old' && a.use !== 'billing' && isCurrent(a, today));
  const a = current.find((x) => x.use === 'home') ?? current[0];
  if (!a) return undefined;
  return { lines: a.line ?? [], city: a.city, district: a.district, postalCode: a.postalCode };
}

function identifierValue(ids: z.infer<typeof identifierSchema>[], system: string, today: string): string | undefined {
  return ids.find((i) => i.system === system && i.value !== undefined && isCurrent(i, today))?.value;
}

/**
 * Interprets the body of `GET [base]/Patient?identifier=<sNumberSystem>|<sNumber>`.
 * `today` (YYYY-MM-DD) decides which names, addresses and identifiers have ended.
 */
export function readPatientSearch(
  body: unknown,
  sNumber: string,
  systems: PatientSearchSystems,
  today: string,
): PatientSearchOutcome {
  const bundle = bundleSchema.safeParse(body);
  if (!bundle.success) {
    const rt = typeof body === 'object' && body !== null ? (body as { resourceType?: unknown }).resourceType : undefined;
    if (typeof rt === 'string' && rt !== 'Bundle' && /^[A-Za-z]{1,64}$/.test(rt)) return { kind: 'malformed', problem: `resourceType "${rt}", not a Bundle` };
    return { kind: 'malformed', problem: `not a FHIR searchset Bundle: ${describeIssues(bundle.error)}` };
  }
  // Only "match" entries answer the search; "include" and "outcome" entries ride along (FHIR R4 search 3.1.1.4).
  const matches = (bundle.data.entry ?? []).filter(
    (e) => e.resource?.resourceType === 'Patient' && (e.search?.mode ?? 'match') === 'match',
  );
  // `total` counts every match even when the page holds fewer, so a duplicate on page 2 is still caught.
  const count = Math.max(matches.length, bundle.data.total ?? 0);
  if (count === 0) return { kind: 'none' };
  if (count > 1) return { kind: 'many', count };

  const parsed = patientSchema.safeParse(matches[0]?.resource);
  if (!parsed.success) return { kind: 'malformed', problem: `the Patient is invalid: ${describeIssues(parsed.error)}` };
  const p = parsed.data;
  const ids = p.identifier ?? [];
  const wanted = sNumber.toUpperCase();
  // A PAS that ignores the identifier system (or the whole parameter) answers with someone else: never use that.
  const carries = ids.some((i) => i.system === systems.sNumberSystem && i.value?.trim().toUpperCase() === wanted);
  if (!carries) return { kind: 'mismatch' };

  const name = pickName(p.name ?? [], today);
  if (!name?.family?.trim()) return { kind: 'malformed', problem: 'the Patient has no current family name' };
  if (!p.birthDate || !FULL_DATE.test(p.birthDate)) return { kind: 'malformed', problem: 'the Patient has no full birth date' };
  const nhsNumber = identifierValue(ids, systems.nhsNumberSystem, today)?.replace(/\s+/g, '');
  const address = pickAddress(p.address ?? [], today);

  const patient: PasPatient = {
    sNumber: wanted,
    familyName: name.family.trim(),
    givenNames: (name.given ?? []).map((g) => g.trim()).filter((g) => g !== ''),
    birthDate: p.birthDate,
    // FHIR: a Patient without `active` is taken as active.
    active: p.active ?? true,
  };
  if (p.id !== undefined) patient.pasId = p.id;
  if (nhsNumber) patient.nhsNumber = nhsNumber;
  if (p.gender !== undefined) patient.gender = p.gender;
  if (address) patient.address = address;
  return { kind: 'one', patient };
}

/** The FHIR OperationOutcome issue code of an error body (a code from a fixed vocabulary, safe to show), if any. */
export function operationOutcomeCode(body: unknown): string | undefined {
  const outcome = z
    .object({ resourceType: z.literal('OperationOutcome'), issue: z.array(z.object({ code: z.string() })).min(1) })
    .safeParse(body);
  if (!outcome.success) return undefined;
  const code = outcome.data.issue[0]?.code;
  return code !== undefined && /^[a-z-]{1,40}$/.test(code) ? code : undefined;
}
