import { PacsMalformedResponseError, PacsQueryTooBroadError, type PacsErrorContext } from '../errors';
import type { StudySummary } from '../pacsClient';
import type { StudyMatch } from '../studyQuery';
import { STUDY_ATTRIBUTES, fromDicomJson } from '../studySummary';
import { parseMediaType } from './multipartSplitter';
import type { DicomWebTransport } from './httpTransport';

/**
 * QIDO-RS "Search for Studies" (PS3.18 10.6, GET {root}/studies?{matching}&includefield=...), read as DICOM JSON
 * (PS3.18 F.2). Pages with limit/offset (PS3.18 8.3.4.4) until the PACS has nothing more, so a PACS that caps its
 * answers never gives us a silently partial list; past maxResults the search fails as too broad.
 */
export interface QidoOptions {
  timeoutMs: number;
  maxResults: number;
  call: PacsErrorContext;
}

/** Attributes asked for on top of the PACS's defaults (PS3.18 10.6.3.3.1 lists the required return keys). */
const INCLUDE_FIELDS = [
  STUDY_ATTRIBUTES.StudyDescription,
  STUDY_ATTRIBUTES.StudyTime,
  STUDY_ATTRIBUTES.ModalitiesInStudy,
  STUDY_ATTRIBUTES.PatientBirthDate,
  STUDY_ATTRIBUTES.NumberOfStudyRelatedSeries,
  STUDY_ATTRIBUTES.NumberOfStudyRelatedInstances,
];

const PAGE = 100;
/** A page of 100 studies is ~100 KB of DICOM JSON; far more is not a study list. */
const MAX_PAGE_BYTES = 8 * 1024 * 1024;

/** Query parameters for the matching keys (attribute keywords, PS3.18 8.3.4.1). */
export function qidoParams(match: StudyMatch): Record<string, string> {
  const params: Record<string, string> = {};
  if (match.patientId) params.PatientID = match.patientId;
  if (match.accessionNumber) params.AccessionNumber = match.accessionNumber;
  if (match.studyInstanceUid) params.StudyInstanceUID = match.studyInstanceUid;
  if (match.studyDate) params.StudyDate = match.studyDate;
  if (match.modality) params.ModalitiesInStudy = match.modality;
  return params;
}

export async function qidoSearchStudies(transport: DicomWebTransport, match: StudyMatch, opts: QidoOptions): Promise<StudySummary[]> {
  const ctx = opts.call;
  const found = new Map<string, StudySummary>();
  for (let offset = 0; ; offset += PAGE) {
    const { page, more } = await searchPage(transport, match, offset, opts);
    for (const s of page) found.set(s.studyInstanceUid, s);
    if (found.size > opts.maxResults) throw new PacsQueryTooBroadError(opts.maxResults, ctx);
    if (page.length === 0 || (page.length < PAGE && !more)) break;
  }
  return [...found.values()];
}

async function searchPage(
  transport: DicomWebTransport,
  match: StudyMatch,
  offset: number,
  opts: QidoOptions,
): Promise<{ page: StudySummary[]; more: boolean }> {
  const ctx = opts.call;
  const url = transport.url('studies', {
    ...qidoParams(match),
    includefield: INCLUDE_FIELDS,
    limit: String(PAGE),
    ...(offset > 0 ? { offset: String(offset) } : {}),
  });
  const open = await transport.open({
    method: 'GET',
    url,
    headers: { accept: 'application/dicom+json' },
    responseTimeoutMs: opts.timeoutMs,
    idleTimeoutMs: opts.timeoutMs,
    call: ctx,
  });
  const status = open.res.statusCode ?? 0;
  // 204 No Content is how some origin servers say "no match" (PS3.18 8.3.3.1 allows an empty body).
  if (status === 204) {
    open.res.resume();
    return { page: [], more: false };
  }
  if (status !== 200) throw await transport.httpError(open, ctx);
  const type = parseMediaType(open.res.headers['content-type'])?.type;
  const warning = String(open.res.headers.warning ?? '');
  const body = await transport.readBody(open, MAX_PAGE_BYTES, ctx);
  if (body.length === 0) return { page: [], more: false };
  if (type !== 'application/dicom+json' && type !== 'application/json') {
    throw new PacsMalformedResponseError('search answer is not DICOM JSON', ctx);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw new PacsMalformedResponseError('search answer is not valid JSON', ctx, { cause: err });
  }
  if (!Array.isArray(parsed)) throw new PacsMalformedResponseError('search answer is not a JSON array', ctx);
  const page = parsed.map((item, i) => {
    const summary = item && typeof item === 'object' && !Array.isArray(item) ? fromDicomJson(item as Record<string, unknown>) : undefined;
    if (!summary) throw new PacsMalformedResponseError(`match ${i} has no valid Study Instance UID (0020,000D)`, ctx);
    return summary;
  });
  // PS3.18 8.3.4.4: "Warning: 299 ... There are additional results that can be requested".
  return { page, more: /additional results/i.test(warning) };
}
