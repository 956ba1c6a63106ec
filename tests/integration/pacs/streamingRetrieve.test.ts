import fs from 'node:fs';
import path from 'node:path';
import { DicomWebPacsClient, DimsePacsClient, type PacsClient } from '../../../integrations/pacs';
import { freePort } from '../../../sandbox/processes/freePort';
import { uhlOrthanc } from '../../support/services';
import { startHttpStub, type Peer } from './pacsPeers';
import { makeStudy, outFolder, registerModality, type TestStudy } from './studies';

/**
 * A study is never held in memory: WADO-RS parts and C-MOVE'd instances go to disk as they arrive. Shown two ways:
 * a peer that sends the next instance only once the previous one is on disk (a client that buffered would stall),
 * and the process's resident memory while a ~100 MB study comes back from the real Orthanc.
 */
jest.setTimeout(180_000);

/** Runs `work` while sampling RSS every 5 ms; returns its result and the peak growth over the RSS just before. */
async function peakRssGrowth<T>(work: () => Promise<T>): Promise<{ result: T; growth: number }> {
  const before = process.memoryUsage().rss;
  let peak = before;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  try {
    const result = await work();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { result, growth: peak - before };
  } finally {
    clearInterval(timer);
  }
}

describe('WADO-RS parts are written as they arrive', () => {
  let stub: Peer;
  let study: TestStudy;
  beforeAll(async () => {
    study = makeStudy('lockstep', { instances: 5 });
    stub = await startHttpStub((_req, _body, res) => {
      const folder = outFolder(study, 'lockstep');
      res.writeHead(200, { 'content-type': 'multipart/related; type="application/dicom"; boundary=LOCKSTEP' });
      void (async () => {
        for (const [i, file] of study.files.entries()) {
          res.write(Buffer.concat([Buffer.from(`${i === 0 ? '--LOCKSTEP' : ''}\r\nContent-Type: application/dicom\r\n\r\n`), fs.readFileSync(file)]));
          // The delimiter is what ends this part: send it, then wait until the client has the file on disk.
          res.write(Buffer.from(i === study.files.length - 1 ? '\r\n--LOCKSTEP--\r\n' : '\r\n--LOCKSTEP'));
          const done = path.join(folder, `${study.sopInstanceUids[i]}.dcm`);
          const deadline = Date.now() + 10_000;
          while (!fs.existsSync(done)) {
            if (Date.now() > deadline) {
              res.destroy();
              return;
            }
            await new Promise((r) => setTimeout(r, 5));
          }
        }
        res.end();
      })();
    });
  });
  afterAll(async () => {
    await stub.close();
  });

  it('each instance is on disk before the peer sends the next one', async () => {
    const c = new DicomWebPacsClient({ kind: 'dicomweb', baseUrl: `${stub.url}/dicom-web`, idleTimeoutMs: 15_000 });
    try {
      const got = await c.retrieveStudy(study.studyInstanceUid, outFolder(study, 'lockstep'));
      expect(got.instances.map((i) => i.sopInstanceUid)).toEqual(study.sopInstanceUids);
    } finally {
      await c.close();
    }
  });
});

describe('memory while a ~100 MB study is stored and retrieved on the real Orthanc', () => {
  let big: TestStudy;
  const clients: PacsClient[] = [];
  beforeAll(async () => {
    // 100 CT slices of 724x724x16 bit: ~1 MB each.
    big = makeStudy('big', { instances: 100, rows: 724, cols: 724 });
    const web = new DicomWebPacsClient({ kind: 'dicomweb', baseUrl: uhlOrthanc().dicomWebUrl });
    clients.push(web);
    const stored = await web.storeFiles(big.files);
    expect(stored.stored).toHaveLength(100);
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
  });

  it('WADO-RS: resident memory grows by far less than the study', async () => {
    const web = clients[0]!;
    const { result, growth } = await peakRssGrowth(() => web.retrieveStudy(big.studyInstanceUid, outFolder(big, 'wado')));
    expect(result.instances).toHaveLength(100);
    expect(result.bytes).toBe(big.bytes);
    expect(growth).toBeLessThan(big.bytes / 4);
  });

  it('C-MOVE to our storage SCP: resident memory stays bounded, well under the study', async () => {
    const port = await freePort();
    await registerModality(uhlOrthanc().restUrl, 'itb-big-scp', 'ITBBIGSCP', port);
    const dimse = new DimsePacsClient({
      kind: 'dimse',
      host: '127.0.0.1',
      port: uhlOrthanc().dicomPort,
      calledAet: uhlOrthanc().aet,
      callingAet: 'ITBBIG',
      storageScp: { aet: 'ITBBIGSCP', port },
    });
    clients.push(dimse);
    const { result, growth } = await peakRssGrowth(() => dimse.retrieveStudy(big.studyInstanceUid, outFolder(big, 'cmove')));
    expect(result.instances).toHaveLength(100);
    // dcmjs-dimse reassembles PDUs in its own buffers: measured ~27 MB whether the study is 100 MB or 260 MB, so the
    // bound is absolute. A client holding the study would grow by more than its ~105 MB.
    expect(growth).toBeLessThan(48 * 1024 * 1024);
  });
});

describe('WADO-RS instances handed over in memory (takeInMemory, the import pipeline)', () => {
  let small: TestStudy;
  let multiFrame: TestStudy;
  let web: DicomWebPacsClient;
  beforeAll(async () => {
    small = makeStudy('inmemory', { instances: 6 });
    // One instance of 1600x1600x16 bit (~5 MB): above the 2 MiB a part may be held in memory.
    multiFrame = makeStudy('toobig', { instances: 1, rows: 1600, cols: 1600 });
    web = new DicomWebPacsClient({ kind: 'dicomweb', baseUrl: uhlOrthanc().dicomWebUrl });
    expect((await web.storeFiles([...small.files, ...multiFrame.files])).stored).toHaveLength(7);
  });
  afterAll(async () => {
    await web.close();
  });

  it('each slice arrives as the bytes Orthanc holds, and nothing is written to the folder', async () => {
    const folder = outFolder(small, 'memory');
    const taken: Buffer[] = [];
    const got = await web.retrieveStudy(small.studyInstanceUid, folder, {
      takeInMemory: async (bytes) => {
        taken.push(bytes);
      },
    });
    expect(got.instances).toEqual([]);
    expect(got.takenInMemory).toBe(6);
    expect(got.bytes).toBe(small.bytes);
    // Orthanc answers with the instances as stored (transfer-syntax=*): byte for byte what was sent.
    const originals = new Set(small.files.map((f) => fs.readFileSync(f).toString('base64')));
    for (const b of taken) expect(originals.has(b.toString('base64'))).toBe(true);
    expect(fs.readdirSync(folder).filter((f) => !f.startsWith('.'))).toEqual([]);
  });

  it('an instance too big to hold still lands as a file, reported through onInstance', async () => {
    const folder = outFolder(multiFrame, 'memory');
    const landed: string[] = [];
    const take = jest.fn(async () => undefined);
    const got = await web.retrieveStudy(multiFrame.studyInstanceUid, folder, { takeInMemory: take, onInstance: (i) => landed.push(i.file) });
    expect(take).not.toHaveBeenCalled();
    expect(got.instances.map((i) => i.sopInstanceUid)).toEqual(multiFrame.sopInstanceUids);
    expect(landed).toEqual([path.join(folder, `${multiFrame.sopInstanceUids[0]}.dcm`)]);
    expect(fs.readFileSync(landed[0]!).equals(fs.readFileSync(multiFrame.files[0]!))).toBe(true);
  });

  it('a failing taker fails the retrieve (the pipeline stops the download)', async () => {
    await expect(
      web.retrieveStudy(small.studyInstanceUid, outFolder(small, 'refused'), {
        takeInMemory: async () => {
          throw new Error('the import was stopped');
        },
      }),
    ).rejects.toThrow();
  });
});
