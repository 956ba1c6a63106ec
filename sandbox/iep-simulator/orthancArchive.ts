import type { ArchivePatient, ArchiveStudy, DicomNode, StudyArchive } from './studyArchive';

/**
 * The remote trusts' archive as one Orthanc, driven over its REST API (https://orthanc.uclouvain.be/book/users/rest.html):
 * /tools/find to search, /studies/{id}/series and /instances/{id}/tags to describe, /modalities/{name}/store (C-STORE)
 * to deliver and /modalities/{name}/move (C-MOVE) to pull. Delivery targets are registered at run time with
 * PUT /modalities/{name}, so the simulator's config (not Orthanc's) says where images go.
 */
export interface OrthancArchiveOptions {
  /** Orthanc REST root, e.g. http://127.0.0.1:8043. */
  restUrl: string;
  /** Per REST call; stores and moves of big studies need minutes. Default 120 s. */
  timeoutMs?: number;
}

interface FoundStudy {
  ID: string;
  MainDicomTags?: Record<string, string | undefined>;
  PatientMainDicomTags?: Record<string, string | undefined>;
}

interface SeriesEntry {
  MainDicomTags?: { Modality?: string };
  Instances?: string[];
}

/** DICOM DA (YYYYMMDD) to YYYY-MM-DD; undefined for anything else. */
export function fromDicomDate(da: string | undefined): string | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(da?.trim() ?? '');
  return m ? `${m[1]}-${m[2]}-${m[3]}` : undefined;
}

/** DICOM PN "FAMILY^GIVEN^MIDDLE" (first component group only). */
export function splitPersonName(pn: string | undefined): { familyName: string; givenNames: string[] } {
  const [family = '', given = '', middle = ''] = (pn ?? '').split('=')[0]!.split('^');
  return { familyName: family.trim(), givenNames: [given, middle].map((g) => g.trim()).filter((g) => g !== '') };
}

export class OrthancArchive implements StudyArchive {
  private readonly root: string;
  private readonly timeoutMs: number;
  private ownAet: string | undefined;

  constructor(opts: OrthancArchiveOptions) {
    this.root = opts.restUrl.replace(/\/+$/, '');
    this.timeoutMs = opts.timeoutMs ?? 120_000;
  }

  async studiesOfPatient(query: { birthDate: string; patientId?: string }): Promise<ArchiveStudy[]> {
    const da = query.birthDate.replace(/-/g, '');
    const found = await this.find({ PatientBirthDate: da });
    if (query.patientId) found.push(...(await this.find({ PatientID: query.patientId })));
    const unique = [...new Map(found.map((s) => [s.ID, s])).values()];
    return Promise.all(unique.map((s) => this.describe(s)));
  }

  async studiesByUid(uids: readonly string[]): Promise<ArchiveStudy[]> {
    const out: ArchiveStudy[] = [];
    for (const uid of uids) {
      const [hit] = await this.find({ StudyInstanceUID: uid });
      if (hit) out.push(await this.describe(hit));
    }
    return out;
  }

  async send(studies: readonly ArchiveStudy[], node: DicomNode): Promise<void> {
    if (studies.length === 0) return;
    const name = await this.registerModality(node);
    const result = await this.rest<{ FailedInstancesCount?: number }>('POST', `/modalities/${name}/store`, {
      Resources: studies.map((s) => s.archiveId),
      Synchronous: true,
    });
    if ((result.FailedInstancesCount ?? 0) > 0) throw new Error(`C-STORE to ${node.aet}: ${result.FailedInstancesCount} instances failed`);
  }

  async pull(uids: readonly string[], source: DicomNode): Promise<void> {
    const name = await this.registerModality(source);
    const target = await this.aet();
    for (const uid of uids) {
      await this.rest('POST', `/modalities/${name}/move`, { Level: 'Study', Resources: [{ StudyInstanceUID: uid }], TargetAet: target, Synchronous: true });
    }
  }

  private async find(query: Record<string, string>): Promise<FoundStudy[]> {
    return this.rest<FoundStudy[]>('POST', '/tools/find', { Level: 'Study', Query: query, Expand: true });
  }

  /** Modalities and instance count from the series; the NHS number from one instance's Other Patient IDs Sequence. */
  private async describe(s: FoundStudy): Promise<ArchiveStudy> {
    const series = await this.rest<SeriesEntry[]>('GET', `/studies/${s.ID}/series`);
    const modalities = [...new Set(series.map((x) => x.MainDicomTags?.Modality).filter((m): m is string => !!m))];
    const instances = series.reduce((n, x) => n + (x.Instances?.length ?? 0), 0);
    const firstInstance = series.find((x) => x.Instances?.length)?.Instances?.[0];
    const tags = s.MainDicomTags ?? {};
    const pt = s.PatientMainDicomTags ?? {};
    const patient: ArchivePatient = { patientId: pt.PatientID ?? '', ...splitPersonName(pt.PatientName) };
    const birthDate = fromDicomDate(pt.PatientBirthDate);
    if (birthDate) patient.birthDate = birthDate;
    if (pt.PatientSex) patient.sex = pt.PatientSex;
    if (firstInstance) {
      const nhs = await this.nhsNumberOf(firstInstance);
      if (nhs) patient.nhsNumber = nhs;
    }
    const study: ArchiveStudy = { archiveId: s.ID, studyInstanceUid: tags.StudyInstanceUID ?? '', modalities, instances, patient };
    const studyDate = fromDicomDate(tags.StudyDate);
    if (studyDate) study.studyDate = studyDate;
    if (tags.StudyDescription) study.description = tags.StudyDescription;
    if (tags.AccessionNumber) study.accessionNumber = tags.AccessionNumber;
    return study;
  }

  private async nhsNumberOf(instanceId: string): Promise<string | undefined> {
    const tags = await this.rest<{ OtherPatientIDsSequence?: Array<{ IssuerOfPatientID?: string; PatientID?: string }> }>(
      'GET',
      `/instances/${instanceId}/tags?simplify`,
    );
    // (0010,1002) Other Patient IDs Sequence, item with Issuer of Patient ID (0010,0021) "NHS".
    return tags.OtherPatientIDsSequence?.find((i) => i.IssuerOfPatientID?.toUpperCase() === 'NHS')?.PatientID?.trim();
  }

  /** Registers (or refreshes) a DICOM peer in Orthanc under a name derived from it; Orthanc keeps it in memory. */
  private async registerModality(node: DicomNode): Promise<string> {
    const name = `iepsim-${node.aet}-${node.port}`.toLowerCase().replace(/[^a-z0-9-]/g, '-');
    await this.rest('PUT', `/modalities/${name}`, { AET: node.aet, Host: node.host, Port: node.port });
    return name;
  }

  private async aet(): Promise<string> {
    this.ownAet ??= (await this.rest<{ DicomAet: string }>('GET', '/system')).DicomAet;
    return this.ownAet;
  }

  private async rest<T = unknown>(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.root}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    const text = await res.text();
    // Orthanc's error bodies name the operation, never patient data; keep only the path and status.
    if (!res.ok) throw new Error(`Orthanc ${method} ${path.split('?')[0]} answered ${res.status}`);
    return (text ? JSON.parse(text) : {}) as T;
  }
}
