import fs from 'node:fs/promises';
import path from 'node:path';
import { DicomFileError, fromFsError } from './errors';

/** What a CD (or any folder of DICOM files) holds. */
export interface CdContents {
  /** The folder the files are relative to. */
  root: string;
  /** The DICOMDIR used, when there was one. */
  dicomdir?: string;
  /** DICOM Part 10 files to reconcile, each once. */
  files: string[];
  /** Problems with the media itself (missing referenced files, unreadable DICOMDIR). Any of them: hold the CD. */
  errors: DicomFileError[];
  /** Files that are not DICOM (viewers, autorun.inf, readme): normal on CDs, listed for the audit. */
  ignored: string[];
}

/** A DICOMDIR is a small index; one bigger than this is not one we should parse in memory. */
const MAX_DICOMDIR_BYTES = 64 * 1024 * 1024;
const MAX_DEPTH = 32;
const MAX_FILES = 200_000;

async function isPart10(file: string): Promise<boolean> {
  const fh = await fs.open(file, 'r');
  try {
    const b = Buffer.alloc(132);
    const { bytesRead } = await fh.read(b, 0, 132, 0);
    return bytesRead === 132 && b.toString('latin1', 128, 132) === 'DICM';
  } finally {
    await fh.close();
  }
}

/** Walks a folder tree (no symlinks followed, so a CD image cannot point us elsewhere on the disk). */
async function walk(root: string, out: CdContents, skip: string | undefined): Promise<void> {
  const visit = async (dir: string, depth: number): Promise<void> => {
    if (depth > MAX_DEPTH) return;
    const entries = await fs.readdir(dir, { withFileTypes: true });
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const e of entries) {
      const full = path.join(dir, e.name);
      if (out.files.length + out.ignored.length >= MAX_FILES) return;
      if (e.isDirectory()) await visit(full, depth + 1);
      else if (e.isFile() && full !== skip) {
        try {
          if (await isPart10(full)) out.files.push(full);
          else out.ignored.push(full);
        } catch (err) {
          out.errors.push(fromFsError(err, full));
        }
      }
    }
  };
  await visit(root, 0);
}

/** Finds `name` in `dir` as a CD would spell it: exact, any case, or with an ISO 9660 ";1" version suffix. */
async function findEntry(dir: string, name: string, listings: Map<string, string[]>): Promise<string | undefined> {
  let names = listings.get(dir);
  if (!names) {
    names = await fs.readdir(dir).catch(() => [] as string[]);
    listings.set(dir, names);
  }
  if (names.includes(name)) return name;
  const wanted = name.toUpperCase();
  return names.find((n) => n.toUpperCase() === wanted || n.toUpperCase() === `${wanted};1` || n.toUpperCase() === `${wanted}.`);
}

/** Referenced File ID (0004,1500) values: CS components, at most 8 characters each (PS3.10 8.2, 8.5). */
function referencedFileIds(dicomdir: Buffer): string[][] {
  const ab = dicomdir.buffer.slice(dicomdir.byteOffset, dicomdir.byteOffset + dicomdir.length) as ArrayBuffer;
  // dcmjs reads the DICOMDIR (a small file, parsed whole); loaded here only, as it costs ~17 MB to load.
  const { data } = require('dcmjs') as typeof import('dcmjs');
  const dict = data.DicomMessage.readFile(ab);
  const dataset = data.DicomMetaDictionary.naturalizeDataset(dict.dict);
  const records = dataset.DirectoryRecordSequence;
  if (!Array.isArray(records)) throw new Error('no Directory Record Sequence (0004,1220)');
  const ids: string[][] = [];
  for (const r of records as Array<Record<string, unknown>>) {
    const id = r.ReferencedFileID;
    if (id === undefined || id === null || id === '') continue;
    const parts = (Array.isArray(id) ? id.map(String) : String(id).split('\\')).map((s) => s.trim());
    ids.push(parts);
  }
  return ids;
}

/**
 * Lists the DICOM files of a CD (Appendices 5 and 6: CD import). `dirOrDicomdir` is the CD's root folder or its
 * DICOMDIR file. With a DICOMDIR (PS3.10 7.2), its records name the files; each is resolved case-insensitively
 * inside the root, and a record naming a missing file, or a path leaving the root, is an error. Without one (or when
 * it cannot be read, which is also an error), the folder tree is walked and every Part 10 file taken.
 * Never throws for bad media: problems come back in `errors`. Throws DicomFileError only if the path itself is unusable.
 */
export async function readCdContents(dirOrDicomdir: string): Promise<CdContents> {
  let stat;
  try {
    stat = await fs.stat(dirOrDicomdir);
  } catch (err) {
    throw fromFsError(err, dirOrDicomdir);
  }
  const root = stat.isDirectory() ? dirOrDicomdir : path.dirname(dirOrDicomdir);
  const out: CdContents = { root, files: [], errors: [], ignored: [] };
  const listings = new Map<string, string[]>();
  const dicomdirName = stat.isDirectory() ? await findEntry(root, 'DICOMDIR', listings) : path.basename(dirOrDicomdir);
  if (!dicomdirName) {
    await walk(root, out, undefined);
    return out;
  }

  const dicomdir = path.join(root, dicomdirName);
  out.dicomdir = dicomdir;
  let ids: string[][];
  try {
    const size = (await fs.stat(dicomdir)).size;
    if (size > MAX_DICOMDIR_BYTES) throw new Error(`${size} bytes is too big for a DICOMDIR`);
    ids = referencedFileIds(await fs.readFile(dicomdir));
  } catch (err) {
    out.errors.push(new DicomFileError('DICOMDIR_UNREADABLE', 'the DICOMDIR cannot be read; the folder tree was searched instead', { path: dicomdir, cause: err }));
    await walk(root, out, dicomdir);
    return out;
  }

  const seen = new Set<string>();
  for (const parts of ids) {
    const shown = parts.join('/');
    if (parts.length === 0 || parts.some((p) => p === '' || p === '.' || p === '..' || /[/\\\0]/.test(p))) {
      out.errors.push(new DicomFileError('PATH_OUTSIDE_MEDIA', 'a DICOMDIR record names a path outside the CD', { path: shown }));
      continue;
    }
    let dir = root;
    let resolved: string | undefined;
    for (let i = 0; i < parts.length; i += 1) {
      const entry = await findEntry(dir, parts[i] as string, listings);
      if (!entry) break;
      const next = path.join(dir, entry);
      if (i === parts.length - 1) resolved = next;
      // lstat: a symlinked folder could lead off the CD, so only real folders are entered.
      else if ((await fs.lstat(next).catch(() => undefined))?.isDirectory()) dir = next;
      else break;
    }
    if (!resolved) {
      out.errors.push(new DicomFileError('FILE_NOT_FOUND', 'a DICOMDIR record names a file that is not on the CD', { path: path.join(root, ...parts) }));
      continue;
    }
    const lst = await fs.lstat(resolved).catch(() => undefined);
    if (!lst?.isFile()) {
      out.errors.push(new DicomFileError('FILE_NOT_FOUND', 'a DICOMDIR record names something that is not a regular file', { path: resolved }));
      continue;
    }
    if (!seen.has(resolved)) {
      seen.add(resolved);
      out.files.push(resolved);
    }
  }
  return out;
}
