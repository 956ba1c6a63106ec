import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { PermanentStepError } from './stepOutcome';

const run = promisify(execFile);

/**
 * The folder a CD import reads: the analyst's folder as it is, or a zip extracted into the run's work folder.
 *
 * Zips are extracted with Debian's Info-ZIP `unzip` (installed on the workers' image) rather than a hand-written
 * reader: no zip library is among our dependencies, and unzip already refuses paths that climb out of the target
 * ("../"), keeps no absolute paths, and streams to disk. `-o` overwrites, so a retry after a crash re-extracts cleanly.
 */
export async function cdFolderOf(source: string, extractTo: string): Promise<string> {
  let stat;
  try {
    stat = await fs.stat(source);
  } catch {
    throw new PermanentStepError('CD_SOURCE_MISSING', 'the CD contents the request points at cannot be read');
  }
  if (stat.isDirectory()) return source;
  if (!stat.isFile() || path.extname(source).toLowerCase() !== '.zip') {
    throw new PermanentStepError('CD_SOURCE_UNSUPPORTED', 'the CD contents must be a folder or a .zip file');
  }
  await fs.rm(extractTo, { recursive: true, force: true });
  await fs.mkdir(extractTo, { recursive: true });
  try {
    await run('unzip', ['-qq', '-o', source, '-d', extractTo], { maxBuffer: 1024 * 1024 });
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    // unzip exit codes 2-3 and 9-12: a damaged or unreadable archive; the disc must be looked at (Appendix 6).
    throw new PermanentStepError('CD_ZIP_UNREADABLE', `the CD zip could not be extracted (unzip exit ${String(code)})`);
  }
  return extractTo;
}

/** Checks a source the analyst gives before it is recorded: a readable folder or .zip file. */
export async function checkCdSource(source: string): Promise<string | undefined> {
  if (!path.isAbsolute(source)) return 'give the full path of the folder or .zip';
  try {
    const stat = await fs.stat(source);
    if (stat.isDirectory()) return undefined;
    if (stat.isFile() && path.extname(source).toLowerCase() === '.zip') return undefined;
    return 'the CD contents must be a folder or a .zip file';
  } catch {
    return 'the workers cannot read that path';
  }
}
