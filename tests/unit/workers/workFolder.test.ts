import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openWorkFolder, STALE_EXECUTION_MS } from '../../../workers/workFolder';

/**
 * workers/workFolder.ts: each execution of an import step works in its own folder, so a job BullMQ runs a second
 * time while the first run still works cannot empty the first run's files (the cause of a spurious FIX_UP_FAILED
 * quarantine seen once on CI).
 */
let root: string;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'itb-workfolder-'));
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

const ref = { requestId: 'req:abc', run: 1 };

test('two executions of the same flow get separate folders; releasing one leaves the other intact', async () => {
  const first = await openWorkFolder(root, ref);
  const second = await openWorkFolder(root, ref);
  expect(first.dir).not.toBe(second.dir);
  expect(path.dirname(first.dir)).toBe(path.dirname(second.dir));
  // The flow's folder is named by the flow id (":" spelt "~" as in job ids).
  expect(path.basename(path.dirname(first.dir))).toBe('req~abc.r1');
  fs.writeFileSync(path.join(first.dir, '1.dcm'), 'first run output');
  await second.release();
  expect(fs.readFileSync(path.join(first.dir, '1.dcm'), 'utf8')).toBe('first run output');
  await first.release();
  // The last one out removes the flow's folder too.
  expect(fs.existsSync(path.dirname(first.dir))).toBe(false);
});

test("a crashed execution's leftovers (patient data) are removed by the next execution of any flow once silent, never while it writes", async () => {
  const crashed = await openWorkFolder(root, ref);
  fs.mkdirSync(path.join(crashed.dir, 'out'));
  fs.writeFileSync(path.join(crashed.dir, 'out', '1.dcm'), 'x');
  const old = (Date.now() - STALE_EXECUTION_MS - 60_000) / 1000;
  fs.utimesSync(crashed.dir, old, old);
  // Its out/ folder was written a moment ago: still a live execution, kept.
  const fresh = await openWorkFolder(root, { requestId: 'req:other', run: 0 });
  expect(fs.existsSync(crashed.dir)).toBe(true);
  fs.utimesSync(path.join(crashed.dir, 'out'), old, old);
  // Silent for longer than STALE_EXECUTION_MS: another flow's execution removes it, and its empty flow folder.
  const next = await openWorkFolder(root, { requestId: 'req:third', run: 0 });
  expect(fs.existsSync(crashed.dir)).toBe(false);
  expect(fs.existsSync(path.dirname(crashed.dir))).toBe(false);
  expect(fs.existsSync(fresh.dir)).toBe(true);
  await fresh.release();
  await next.release();
  expect(fs.readdirSync(root)).toEqual([]);
});
