import fs from 'node:fs';
import path from 'node:path';
import { generateStudy } from '../dicom-generator/generateStudy';
import { SEED_STUDIES, dicomName, seedAccessionOf, remotePatientId, seedPatientOf, seedUid, type SeedArchive, type SeedStudy } from './demoStudies';

/** YYYY-MM-DD for `daysAgo` days before `today` (UTC arithmetic on a date-only value: no clock-change trap). */
function dateDaysAgo(today: Date, daysAgo: number): string {
  const d = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() - daysAgo));
  return d.toISOString().slice(0, 10);
}

async function studyExists(restUrl: string, studyUid: string): Promise<boolean> {
  const res = await fetch(`${restUrl}/tools/find`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ Level: 'Study', Query: { StudyInstanceUID: studyUid } }),
  });
  if (!res.ok) throw new Error(`Orthanc /tools/find answered ${res.status}`);
  return ((await res.json()) as unknown[]).length > 0;
}

/** Writes one seed study to `workDir` and uploads it through Orthanc's REST API (POST /instances). */
async function seedOne(study: SeedStudy, restUrl: string, workDir: string, today: Date): Promise<number> {
  const studyUid = seedUid(study.key);
  if (await studyExists(restUrl, studyUid)) return 0;
  const p = seedPatientOf(study);
  const outDir = path.join(workDir, study.key);
  fs.rmSync(outDir, { recursive: true, force: true });
  const generated = generateStudy({
    outDir,
    patient: {
      // UHL PACS files patients under the S number; another trust under its own id, with the NHS number beside it.
      id: study.archive === 'uhl' ? p.sNumber : remotePatientId(p),
      issuer: study.archive === 'uhl' ? 'UHL' : 'KGH',
      name: dicomName(p),
      birthDate: p.birthDate,
      ...(p.nhsNumber ? { nhsNumber: p.nhsNumber } : {}),
      sex: p.gender === 'female' ? 'F' : p.gender === 'male' ? 'M' : 'O',
    },
    studyDate: dateDaysAgo(today, study.daysAgo),
    modality: study.modality,
    instances: study.instances,
    rows: 256,
    cols: 256,
    studyInstanceUid: studyUid,
    accessionNumber: seedAccessionOf(study),
    overrides: { StudyDescription: study.description, SeriesDescription: study.description },
  });
  for (const file of generated.files) {
    const res = await fetch(`${restUrl}/instances`, { method: 'POST', body: fs.readFileSync(file) });
    if (!res.ok) throw new Error(`Orthanc refused a seed instance of ${study.key}: ${res.status}`);
  }
  fs.rmSync(outDir, { recursive: true, force: true });
  return generated.files.length;
}

/**
 * Seeds the sandbox Orthancs with the demo studies. Idempotent: studies already there (same deterministic UID) are
 * skipped, so a second script/server run adds nothing. Returns the number of instances uploaded.
 */
export async function seedSandboxOrthancs(
  archives: Record<SeedArchive, string>,
  workDir: string,
  opts: { today?: Date; studies?: readonly SeedStudy[] } = {},
): Promise<number> {
  const today = opts.today ?? new Date();
  let uploaded = 0;
  for (const study of opts.studies ?? SEED_STUDIES) uploaded += await seedOne(study, archives[study.archive], workDir, today);
  return uploaded;
}
