import { createHash } from 'node:crypto';
import type { DicomHeader } from './headerReader';
import { isValidNhsNumber, normaliseNhsNumber } from './nhsNumber';
import { normaliseName, parsePersonName, type PersonNameParts } from './personName';
import { formatTag, Tag } from './tags';

/** The identity fields the safety checks name. */
export type IdentityField = 'patientName' | 'birthDate' | 'nhsNumber' | 'patientId' | 'localPatientId';

/** A field that is missing or unreadable in one instance. */
export interface IdentityProblem {
  kind: 'missing' | 'garbled';
  field: IdentityField;
  /** What is wrong, without the value (safe to log). */
  detail: string;
}

/** Who one instance says the patient is. Holds patient values: keep it in memory and the store, never in logs. */
export interface InstanceIdentity {
  name?: PersonNameParts;
  /** YYYY-MM-DD */
  birthDate?: string;
  /** The sender's Patient ID (0010,0020) and Issuer (0010,0021). */
  patientId?: string;
  issuer?: string;
  /** NHS numbers the header carries under an NHS issuer (normalised digits, Modulus 11 valid). */
  nhsNumbers: string[];
  /** Ids the header carries under our own issuer (an earlier UHL import): must be the expected S number. */
  localIds: string[];
  problems: IdentityProblem[];
  /** Canonical patient key: instances with different keys are different patients (PS3.3 C.7.1.1 Patient module). */
  key: string;
}

/** Which issuers mean "this id is an NHS number". */
export interface IdentityOptions {
  /** Issuer of Patient ID values (case-insensitive) naming the NHS number. */
  nhsIssuers?: readonly string[];
  /** Our issuer, as written by the rewrite: ids under it are S numbers. */
  ourIssuer?: string;
}

/** The NHS number's OID (HL7 UK), used as Universal Entity ID (0040,0032) or as the issuer itself. */
export const NHS_NUMBER_OID = '2.16.840.1.113883.2.1.4.1';
/** Issuer values senders use for the NHS number, compared case-insensitively. */
export const DEFAULT_NHS_ISSUERS: readonly string[] = ['NHS', 'NHSN', 'NHS NUMBER', 'NHSNUMBER', 'NHS_NUMBER', NHS_NUMBER_OID];

/** DA value (YYYYMMDD; the ACR-NEMA YYYY.MM.DD form is tolerated, PS3.5 6.2 note) as YYYY-MM-DD, if a real date. */
export function dicomDateToLocal(da: string): string | undefined {
  const m = /^(\d{4})\.?(\d{2})\.?(\d{2})$/.exec(da);
  if (!m) return undefined;
  const [, y, mo, d] = m as unknown as [string, string, string, string];
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1) return undefined;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate(); // arithmetic only, no time zone involved
  return day <= daysInMonth ? `${y}-${mo}-${d}` : undefined;
}

function isIssuer(value: string | undefined, universalIds: readonly string[], issuers: readonly string[]): boolean {
  const wanted = new Set(issuers.map((i) => i.trim().toUpperCase()));
  if (value !== undefined && wanted.has(value.trim().toUpperCase())) return true;
  return universalIds.includes(NHS_NUMBER_OID) && wanted.has(NHS_NUMBER_OID);
}

/** Reads who the patient is from one header, noting what is missing or garbled. */
export function identityOf(header: DicomHeader, opts: IdentityOptions = {}): InstanceIdentity {
  const nhsIssuers = opts.nhsIssuers ?? DEFAULT_NHS_ISSUERS;
  const ourIssuer = opts.ourIssuer?.trim().toUpperCase();
  const problems: IdentityProblem[] = [];
  const garbledTags = new Set(header.textProblems.map((p) => p.tag));
  const p = header.patient;

  let name: PersonNameParts | undefined;
  if (garbledTags.has(formatTag(Tag.PatientName))) problems.push({ kind: 'garbled', field: 'patientName', detail: "Patient's Name (0010,0010) is not readable text" });
  else if (!p.name) problems.push({ kind: 'missing', field: 'patientName', detail: "Patient's Name (0010,0010) is missing or empty" });
  else {
    name = parsePersonName(p.name);
    if (!name) problems.push({ kind: 'garbled', field: 'patientName', detail: "Patient's Name (0010,0010) holds more than one name" });
    else if (normaliseName(name.family) === '') {
      problems.push({ kind: 'garbled', field: 'patientName', detail: "Patient's Name (0010,0010) has no family name" });
      name = undefined;
    }
  }

  let birthDate: string | undefined;
  if (garbledTags.has(formatTag(Tag.PatientBirthDate))) problems.push({ kind: 'garbled', field: 'birthDate', detail: "Patient's Birth Date (0010,0030) is not readable text" });
  else if (!p.birthDate) problems.push({ kind: 'missing', field: 'birthDate', detail: "Patient's Birth Date (0010,0030) is missing or empty" });
  else {
    birthDate = dicomDateToLocal(p.birthDate);
    if (!birthDate) problems.push({ kind: 'garbled', field: 'birthDate', detail: "Patient's Birth Date (0010,0030) is not a valid date" });
  }

  const qualifiers = `${formatTag(Tag.IssuerOfPatientIDQualifiersSequence)}>`;
  if (garbledTags.has(formatTag(Tag.PatientID)) || garbledTags.has(formatTag(Tag.IssuerOfPatientID)) || [...garbledTags].some((t) => t.startsWith(qualifiers))) {
    problems.push({ kind: 'garbled', field: 'patientId', detail: 'Patient ID (0010,0020) or its issuer is not readable text' });
  } else if (!p.id) problems.push({ kind: 'missing', field: 'patientId', detail: 'Patient ID (0010,0020) is missing or empty' });

  // Every identifier the header carries, with its issuer: the main one and each Other Patient IDs item.
  const carried = [{ id: p.id, issuer: p.issuer, universal: p.issuerUniversalEntityIds }].concat(
    p.otherIds.map((o) => ({ id: o.patientId, issuer: o.issuer, universal: o.issuerUniversalEntityIds })),
  );
  const nhsNumbers = new Set<string>();
  const localIds = new Set<string>();
  for (const c of carried) {
    if (!c.id) continue;
    if (isIssuer(c.issuer, c.universal, nhsIssuers)) {
      const digits = normaliseNhsNumber(c.id);
      if (digits && isValidNhsNumber(digits)) nhsNumbers.add(digits);
      else problems.push({ kind: 'garbled', field: 'nhsNumber', detail: 'an NHS number in the header fails the Modulus 11 check or is not 10 digits' });
    } else if (ourIssuer !== undefined && c.issuer?.trim().toUpperCase() === ourIssuer) {
      localIds.add(c.id.trim().toUpperCase());
    }
  }
  const others = `${formatTag(Tag.OtherPatientIDsSequence)}>`;
  if ([...garbledTags].some((t) => t.startsWith(others))) {
    problems.push({ kind: 'garbled', field: 'nhsNumber', detail: 'an identifier in Other Patient IDs Sequence (0010,1002) is not readable text' });
  }

  const key = JSON.stringify([
    name ? [normaliseName(name.family), normaliseName(name.given)] : p.name ?? null,
    birthDate ?? p.birthDate ?? null,
    (p.id ?? '').trim().toUpperCase(),
    (p.issuer ?? '').trim().toUpperCase(),
    [...nhsNumbers].sort(),
  ]);
  return { name, birthDate, patientId: p.id, issuer: p.issuer, nhsNumbers: [...nhsNumbers], localIds: [...localIds], problems, key };
}

/**
 * A digest of the raw identity values and instance UID, so the rewrite can prove it is writing the instance the
 * identity check approved (the file could be swapped between the two passes). Not reversible; not for logs anyway.
 */
export function identityDigest(header: DicomHeader): string {
  const p = header.patient;
  return createHash('sha256')
    .update(JSON.stringify([header.sopInstanceUid, header.studyInstanceUid, p.name, p.birthDate, p.id, p.issuer, p.otherIds]))
    .digest('hex');
}
