import type { ArchiveStudy, DicomNode, StudyArchive } from '../../../sandbox/iep-simulator/studyArchive';

/**
 * Studies in memory, for unit tests of the simulator's lifecycle (the Orthanc-backed archive is exercised by
 * tests/integration/iep against a real Orthanc). Records what was sent where and can be told to fail.
 */
export class MemoryArchive implements StudyArchive {
  readonly sent: Array<{ uids: string[]; node: DicomNode }> = [];
  readonly pulled: Array<{ uids: string[]; source: DicomNode }> = [];
  failSend = false;
  failSearch = false;
  /** Studies a pull from the export source brings in. */
  pullable: ArchiveStudy[] = [];

  constructor(public studies: ArchiveStudy[] = []) {}

  async studiesOfPatient(q: { birthDate: string; patientId?: string }): Promise<ArchiveStudy[]> {
    if (this.failSearch) throw new Error('archive down');
    return this.studies.filter((s) => s.patient.birthDate === q.birthDate || (q.patientId !== undefined && s.patient.patientId === q.patientId));
  }

  async studiesByUid(uids: readonly string[]): Promise<ArchiveStudy[]> {
    return this.studies.filter((s) => uids.includes(s.studyInstanceUid));
  }

  async send(studies: readonly ArchiveStudy[], node: DicomNode): Promise<void> {
    if (this.failSend) throw new Error('association rejected');
    this.sent.push({ uids: studies.map((s) => s.studyInstanceUid), node });
  }

  async pull(uids: readonly string[], source: DicomNode): Promise<void> {
    this.pulled.push({ uids: [...uids], source });
    this.studies.push(...this.pullable.filter((s) => uids.includes(s.studyInstanceUid)));
  }
}

let uidSeq = 0;

/** A synthetic study (NHS numbers from the 999 test range only). */
export function study(over: Partial<Omit<ArchiveStudy, 'patient'>> & { patient?: Partial<ArchiveStudy['patient']> } = {}): ArchiveStudy {
  uidSeq += 1;
  const { patient, ...rest } = over;
  return {
    archiveId: `orthanc-${uidSeq}`,
    studyInstanceUid: `2.25.${1000 + uidSeq}`,
    studyDate: '2026-01-10',
    modalities: ['CT'],
    description: 'CT head',
    instances: 3,
    ...rest,
    patient: { patientId: 'RXX001', familyName: 'HARTWELL', givenNames: ['AMELIA'], birthDate: '1958-03-14', nhsNumber: '9992345675', ...patient },
  };
}
