/**
 * Reading the end state from the real systems a journey touched: the Orthancs (REST), the RIS listener (its control
 * API over HTTP) and the IEP simulator (its control API). Journeys assert on these, not only on what Teams shows.
 */

export interface OrthancInstanceTags {
  PatientID?: string;
  PatientName?: string;
  StudyInstanceUID?: string;
  SOPInstanceUID?: string;
  IssuerOfPatientID?: string;
  OtherPatientIDsSequence?: Array<{ PatientID?: string; IssuerOfPatientID?: string }>;
  OriginalAttributesSequence?: Array<Record<string, unknown>>;
  [tag: string]: unknown;
}

async function json<T>(res: Response, what: string): Promise<T> {
  if (!res.ok) throw new Error(`${what}: HTTP ${res.status}`);
  return (await res.json()) as T;
}

/** Orthanc ids of the instances of one study (empty when the Orthanc does not hold it). */
export async function instancesOf(restUrl: string, studyUid: string): Promise<string[]> {
  const res = await fetch(`${restUrl}/tools/find`, { method: 'POST', body: JSON.stringify({ Level: 'Instance', Query: { StudyInstanceUID: studyUid } }) });
  return json<string[]>(res, `Orthanc ${restUrl} find`);
}

/** How many instances of the study the Orthanc holds. */
export async function instanceCount(restUrl: string, studyUid: string): Promise<number> {
  return (await instancesOf(restUrl, studyUid)).length;
}

/** Orthanc's reading of one stored instance's header. */
export async function instanceTags(restUrl: string, orthancId: string): Promise<OrthancInstanceTags> {
  return json<OrthancInstanceTags>(await fetch(`${restUrl}/instances/${orthancId}/simplified-tags`), `Orthanc ${restUrl} tags`);
}

/** Every StudyInstanceUID the Orthanc holds. */
export async function studyUids(restUrl: string): Promise<string[]> {
  const ids = await json<string[]>(await fetch(`${restUrl}/studies`), `Orthanc ${restUrl} studies`);
  const out: string[] = [];
  for (const id of ids) {
    const s = await json<{ MainDicomTags: { StudyInstanceUID: string } }>(await fetch(`${restUrl}/studies/${id}`), 'Orthanc study');
    out.push(s.MainDicomTags.StudyInstanceUID);
  }
  return out;
}

/** Deletes a study from an Orthanc (a journey clearing what an earlier run of itself left on a destination). */
export async function deleteStudy(restUrl: string, studyUid: string): Promise<void> {
  const res = await fetch(`${restUrl}/tools/find`, { method: 'POST', body: JSON.stringify({ Level: 'Study', Query: { StudyInstanceUID: studyUid } }) });
  for (const id of await json<string[]>(res, 'Orthanc find')) await fetch(`${restUrl}/studies/${id}`, { method: 'DELETE' });
}

export interface RisMessage {
  messageControlId: string;
  hl7: string;
  answeredWith: string;
  receivedAt: string;
}

/** What the RIS listener holds, over its control API. */
export async function risMessages(controlUrl: string): Promise<RisMessage[]> {
  return (await json<{ messages: RisMessage[] }>(await fetch(`${controlUrl}/messages`), 'RIS control')).messages;
}

/** One HL7 segment's fields (field 0 is the segment name), or undefined. */
export function segment(hl7: string, name: string): string[] | undefined {
  return hl7
    .split('\r')
    .find((s) => s.startsWith(`${name}|`))
    ?.split('|');
}

export interface SimDelivery {
  transactionId: string;
  [k: string]: unknown;
}

/** The IEP simulator's ledger of what it delivered where. */
export async function simDeliveries(controlUrl: string): Promise<Array<Record<string, unknown>>> {
  return (await json<{ deliveries: Array<Record<string, unknown>> }>(await fetch(`${controlUrl}/deliveries`), 'IEP simulator deliveries')).deliveries;
}

/** Arms a simulator fault (sandbox/iep-simulator/controlRoutes.ts). */
export async function simControl(controlUrl: string, route: string, body: unknown): Promise<unknown> {
  const res = await fetch(`${controlUrl}${route}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return json<unknown>(res, `IEP simulator ${route}`);
}
