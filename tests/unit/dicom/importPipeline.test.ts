import fs from 'node:fs';
import path from 'node:path';
import { DicomRewriteConfigError, readDicomHeader } from '../../../integrations/dicom';
import type { PacsClient, StoreOutcome } from '../../../integrations/pacs';
import { importDelivery, type DeliverFn, type DeliveryImportSettings } from '../../../workers/importPipeline';
import { EXPECTED, filesUnder, makeTemp, NHS, OUR_ISSUER, reconcileOptions, removeTemp, REQUESTED, rewriteFor, SENDER, smallStudy } from './dicomTestKit';

/**
 * workers/importPipeline.ts importDelivery: instances are rewritten as they land, but nothing goes to PACS before the
 * identity check has seen every instance, and only files rewritten from the header the check approved are sent.
 * PACS here is a recording stand-in for storeFiles (unit test: no peers); the real STOW-RS path is covered by
 * tests/integration/workers/importFlow.test.ts.
 */
let dir: string;
beforeAll(() => {
  dir = makeTemp('itb-pipeline-');
});
afterAll(() => removeTemp(dir));

let n = 0;
function fresh(): { base: string; outDir: string } {
  n += 1;
  const base = path.join(dir, `d${n}`);
  return { base, outDir: path.join(base, 'out') };
}

/** Records what would have been sent: the files, and the Patient ID each carried at the moment it was sent. */
function recordingPacs(): Pick<PacsClient, 'storeFiles'> & { calls: Array<{ files: string[]; patientIds: Array<string | undefined> }> } {
  const calls: Array<{ files: string[]; patientIds: Array<string | undefined> }> = [];
  return {
    calls,
    async storeFiles(files: readonly string[]): Promise<StoreOutcome> {
      const headers = await Promise.all(files.map((f) => readDicomHeader(f)));
      calls.push({ files: [...files], patientIds: headers.map((h) => h.patient.id) });
      return { stored: headers.map((h, i) => ({ file: files[i] as string, sopInstanceUid: h.sopInstanceUid ?? '' })), failed: [], bytes: 0 };
    },
  };
}

function settingsFor(outDir: string, overrides: Partial<DeliveryImportSettings> = {}): DeliveryImportSettings {
  return { expected: EXPECTED, requestedExams: REQUESTED, reconcile: reconcileOptions(), rewrite: rewriteFor(), outDir, ...overrides };
}

type Arrival = 'files' | 'memory';

/**
 * A delivery that announces each instance as it "lands", one event-loop turn apart, like a streamed retrieve: as a
 * file (a DIMSE retrieve, a big instance) or handed over in memory (a WADO-RS part), in which case no file is returned.
 */
function arriving(files: readonly string[], how: Arrival = 'files'): DeliverFn {
  return async (landed, take) => {
    for (const f of files) {
      if (how === 'memory') await take(fs.readFileSync(f), `in memory: ${path.basename(f)}`);
      else landed(f);
      await new Promise((resolve) => setImmediate(resolve));
    }
    return how === 'memory' ? [] : [...files];
  };
}

describe.each([
  ['files, rewritten once the delivery is in (default)', false, 'files'],
  ['files, rewritten as each lands', true, 'files'],
  ['instances handed over in memory', false, 'memory'],
] as const)('importDelivery, %s', (_name, rewriteAsTheyLand, how) => {
  const settings = (outDir: string, overrides: Partial<DeliveryImportSettings> = {}) => settingsFor(outDir, { rewriteAsTheyLand, ...overrides });
  const arriving_ = (files: readonly string[]) => arriving(files, how);

  test('the expected patient: every instance rewritten with the S number, then sent once, all together', async () => {
    const { base, outDir } = fresh();
    const s = smallStudy(path.join(base, 'in'), { instances: 6 });
    const pacs = recordingPacs();
    const r = await importDelivery(settings(outDir), arriving_(s.files), pacs);
    expect('stored' in r).toBe(true);
    expect(r.decision.decision).toBe('import');
    expect(pacs.calls).toHaveLength(1);
    expect(pacs.calls[0]?.files).toHaveLength(6);
    expect(pacs.calls[0]?.patientIds).toEqual(Array(6).fill(EXPECTED.sNumber));
    // Sent are the rewritten copies in outDir, never the originals.
    for (const f of pacs.calls[0]?.files ?? []) expect(path.dirname(f)).toBe(outDir);
    const original = await readDicomHeader(s.files[0] as string);
    expect(original.patient.id).toBe(SENDER.id);
  });

  test('files the delivery never announced are rewritten too (a CD: all files given at the end)', async () => {
    const { base, outDir } = fresh();
    const s = smallStudy(path.join(base, 'in'), { instances: 3 });
    const pacs = recordingPacs();
    const r = await importDelivery(settings(outDir), async () => s.files, pacs);
    expect('stored' in r).toBe(true);
    expect(pacs.calls[0]?.patientIds).toEqual([EXPECTED.sNumber, EXPECTED.sNumber, EXPECTED.sNumber]);
  });

  test('one instance of another patient holds the whole delivery: nothing sent, rewritten files removed', async () => {
    const { base, outDir } = fresh();
    const good = smallStudy(path.join(base, 'in', 'a'), { instances: 5 });
    const other = smallStudy(path.join(base, 'in', 'b'), {
      instances: 1,
      studyInstanceUid: good.studyInstanceUid,
      patient: { ...SENDER, name: 'OTHERPATIENT^BETA', nhsNumber: NHS[1] },
    });
    const pacs = recordingPacs();
    // The stranger arrives last, after the others have been rewritten.
    const r = await importDelivery(settings(outDir), arriving_([...good.files, ...other.files]), pacs);
    expect(r.decision.decision).toBe('quarantine');
    if (r.decision.decision !== 'quarantine') return;
    expect(r.decision.reasons.map((x) => x.code)).toEqual(expect.arrayContaining(['PATIENT_NAME_MISMATCH', 'NHS_NUMBER_MISMATCH', 'MULTIPLE_PATIENTS']));
    expect(pacs.calls).toHaveLength(0);
    expect(filesUnder(outDir)).toEqual([]);
  });

  test('bad rewrite settings fail before the delivery is fetched', async () => {
    const { outDir } = fresh();
    const deliver = jest.fn(async () => [] as string[]);
    const pacs = recordingPacs();
    await expect(importDelivery(settings(outDir, { rewrite: rewriteFor({ modifyingSystem: '' }) }), deliver, pacs)).rejects.toBeInstanceOf(DicomRewriteConfigError);
    expect(deliver).not.toHaveBeenCalled();
    expect(pacs.calls).toHaveLength(0);
  });

  test('a failing delivery throws through, sends nothing and leaves no rewritten file', async () => {
    const { base, outDir } = fresh();
    const s = smallStudy(path.join(base, 'in'), { instances: 4 });
    const pacs = recordingPacs();
    const deliver = async (landed: (file: string) => void): Promise<string[]> => {
      for (const f of s.files.slice(0, 3)) landed(f);
      await new Promise((resolve) => setTimeout(resolve, 20));
      throw Object.assign(new Error('connection reset'), { retryable: true });
    };
    await expect(importDelivery(settings(outDir), deliver, pacs)).rejects.toThrow('connection reset');
    expect(pacs.calls).toHaveLength(0);
    expect(fs.existsSync(outDir)).toBe(false);
  });

  test('an unrequested study in the delivery is left out of what is sent', async () => {
    const { base, outDir } = fresh();
    const wanted = smallStudy(path.join(base, 'in', 'a'), { instances: 2 });
    const extra = smallStudy(path.join(base, 'in', 'b'), { instances: 2, studyDate: '2025-12-01' });
    const pacs = recordingPacs();
    const r = await importDelivery(settings(outDir, { reconcile: reconcileOptions({ ourIssuer: OUR_ISSUER }) }), arriving_([...extra.files, ...wanted.files]), pacs);
    expect('stored' in r).toBe(true);
    if (!('stored' in r)) return;
    expect(r.decision.excludedStudies.map((x) => x.studyInstanceUid)).toEqual([extra.studyInstanceUid]);
    const sent = await Promise.all((pacs.calls[0]?.files ?? []).map((f) => readDicomHeader(f)));
    expect(sent.map((h) => h.studyInstanceUid)).toEqual([wanted.studyInstanceUid, wanted.studyInstanceUid]);
  });
});

describe('importDelivery reads each instance once: the check judges the header the rewrite is made from', () => {
  test('a file replaced after its rewrite changes nothing: what is sent is what was checked', async () => {
    const { base, outDir } = fresh();
    const s = smallStudy(path.join(base, 'in'), { instances: 3 });
    // Same patient, same study, but another instance.
    const swap = smallStudy(path.join(base, 'swap'), { instances: 1, studyInstanceUid: s.studyInstanceUid });
    const victim = s.files[0] as string;
    const before = await Promise.all(s.files.map((f) => readDicomHeader(f)));
    const pacs = recordingPacs();
    const r = await importDelivery(
      settingsFor(outDir, { rewriteAsTheyLand: true }),
      async (landed) => {
        landed(victim);
        // Wait until the victim has been checked and rewritten, then change it under the pipeline.
        for (let i = 0; i < 500 && filesUnder(outDir).filter((f) => f.endsWith('.dcm')).length === 0; i += 1) await new Promise((resolve) => setTimeout(resolve, 5));
        fs.copyFileSync(swap.files[0] as string, victim);
        return [...s.files];
      },
      pacs,
    );
    expect(r.decision.decision).toBe('import');
    expect(r.files).toBe(3);
    const sent = await Promise.all((pacs.calls[0]?.files ?? []).map((f) => readDicomHeader(f)));
    // The original three instances (the one the check saw for the victim), never the swapped-in one.
    expect(sent.map((h) => h.sopInstanceUid).sort()).toEqual(before.map((h) => h.sopInstanceUid).sort());
    expect(sent.map((h) => h.sopInstanceUid)).not.toContain(swap.sopInstanceUids[0]);
  });

  test('bytes that are not DICOM, handed over in memory, hold the delivery with a per-instance error naming it', async () => {
    const { base, outDir } = fresh();
    const s = smallStudy(path.join(base, 'in'), { instances: 2 });
    const pacs = recordingPacs();
    const r = await importDelivery(
      settingsFor(outDir),
      async (_landed, take) => {
        for (const f of s.files) await take(fs.readFileSync(f), path.basename(f));
        await take(Buffer.from('this is not a DICOM file, but a part the gateway sent anyway'), 'study X, instance 3 as received');
        return [];
      },
      pacs,
    );
    expect(r.decision.decision).toBe('quarantine');
    if (r.decision.decision !== 'quarantine') return;
    expect(r.decision.reasons.map((x) => x.code)).toEqual(['UNREADABLE_INSTANCE']);
    expect(r.decision.fileErrors).toEqual([expect.objectContaining({ path: 'study X, instance 3 as received' })]);
    expect(pacs.calls).toHaveLength(0);
    expect(filesUnder(outDir)).toEqual([]);
  });
});
