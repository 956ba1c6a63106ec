import fs from 'node:fs';
import path from 'node:path';
import { data as dcmjsData } from 'dcmjs';
import { DicomFileError, readCdContents } from '../../../integrations/dicom';
import { makeTemp, removeTemp, smallStudy } from './dicomTestKit';

let dir: string;
beforeAll(() => {
  dir = makeTemp();
});
afterAll(() => removeTemp(dir));

let n = 0;
function cdRoot(): string {
  n += 1;
  const root = path.join(dir, `cd${n}`);
  fs.mkdirSync(root, { recursive: true });
  return root;
}

/** A DICOMDIR (PS3.10 7.2, Media Storage Directory Storage) whose image records name `fileIds`. */
function writeDicomdir(file: string, fileIds: string[][]): void {
  const { DicomMetaDictionary, DicomDict } = dcmjsData;
  const meta = {
    FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
    MediaStorageSOPClassUID: '1.2.840.10008.1.3.10',
    MediaStorageSOPInstanceUID: DicomMetaDictionary.uid(),
    TransferSyntaxUID: '1.2.840.10008.1.2.1',
    ImplementationClassUID: '2.25.1',
  };
  const records = [
    { DirectoryRecordType: 'PATIENT', PatientID: 'RXX0012345' },
    ...fileIds.map((id) => ({ DirectoryRecordType: 'IMAGE', ReferencedFileID: id, InstanceNumber: 1 })),
  ];
  const dict = new DicomDict(DicomMetaDictionary.denaturalizeDataset(meta));
  dict.dict = DicomMetaDictionary.denaturalizeDataset({ FileSetID: 'ITBCD', DirectoryRecordSequence: records });
  fs.writeFileSync(file, Buffer.from(dict.write()));
}

/** A CD tree: DICOM/ST1/IM1..IMn (uppercase 8-character ids, as ISO 9660 media carry them). */
function cdWithImages(root: string, count: number): string[] {
  const folder = path.join(root, 'DICOM', 'ST1');
  return smallStudy(folder, { instances: count, fileName: (i) => `IM${i + 1}` }).files;
}

describe('readCdContents without a DICOMDIR: the folder tree', () => {
  test('finds Part 10 files in nested folders and lists other files as ignored', async () => {
    const root = cdRoot();
    const images = cdWithImages(root, 3);
    fs.writeFileSync(path.join(root, 'AUTORUN.INF'), '[autorun]\nopen=viewer.exe\n');
    fs.mkdirSync(path.join(root, 'VIEWER'));
    fs.writeFileSync(path.join(root, 'VIEWER', 'viewer.exe'), Buffer.alloc(4096, 0x90));
    const cd = await readCdContents(root);
    expect(cd.dicomdir).toBeUndefined();
    expect(cd.files).toEqual(images);
    expect(cd.ignored.map((f) => path.relative(root, f)).sort()).toEqual(['AUTORUN.INF', path.join('VIEWER', 'viewer.exe')]);
    expect(cd.errors).toEqual([]);
  });

  test('does not follow a symlink off the CD', async () => {
    const root = cdRoot();
    cdWithImages(root, 1);
    const outside = cdRoot();
    cdWithImages(outside, 2);
    fs.symlinkSync(outside, path.join(root, 'LINK'));
    const cd = await readCdContents(root);
    expect(cd.files).toHaveLength(1);
    expect(cd.files.every((f) => f.startsWith(root) && !f.includes('LINK'))).toBe(true);
  });

  test('a path that does not exist throws FILE_NOT_FOUND', async () => {
    await expect(readCdContents(path.join(dir, 'no-such-cd'))).rejects.toMatchObject({ code: 'FILE_NOT_FOUND' });
  });
});

describe('readCdContents with a DICOMDIR', () => {
  test('takes exactly the files its records name, resolved case-insensitively and with ISO 9660 ";1" suffixes', async () => {
    const root = cdRoot();
    const images = cdWithImages(root, 3);
    fs.renameSync(images[2] as string, `${images[2]};1`);
    const unlisted = path.join(root, 'DICOM', 'ST1', 'IM9');
    fs.copyFileSync(images[0] as string, unlisted);
    writeDicomdir(path.join(root, 'DICOMDIR'), [['DICOM', 'ST1', 'IM1'], ['dicom', 'st1', 'im2'], ['DICOM', 'ST1', 'IM3']]);
    const cd = await readCdContents(root);
    expect(cd.dicomdir).toBe(path.join(root, 'DICOMDIR'));
    expect(cd.files).toEqual([images[0], images[1], `${images[2]};1`]);
    expect(cd.errors).toEqual([]);
  });

  test('the DICOMDIR file itself may be given', async () => {
    const root = cdRoot();
    const images = cdWithImages(root, 2);
    writeDicomdir(path.join(root, 'DICOMDIR'), [['DICOM', 'ST1', 'IM1'], ['DICOM', 'ST1', 'IM2']]);
    expect((await readCdContents(path.join(root, 'DICOMDIR'))).files).toEqual(images);
  });

  test('a record naming a missing file is a FILE_NOT_FOUND error; the rest are still listed', async () => {
    const root = cdRoot();
    const images = cdWithImages(root, 2);
    writeDicomdir(path.join(root, 'DICOMDIR'), [['DICOM', 'ST1', 'IM1'], ['DICOM', 'ST1', 'IM7'], ['DICOM', 'ST1', 'IM2']]);
    const cd = await readCdContents(root);
    expect(cd.files).toEqual(images);
    expect(cd.errors.map((e) => [e.code, path.relative(root, e.path ?? '')])).toEqual([['FILE_NOT_FOUND', path.join('DICOM', 'ST1', 'IM7')]]);
  });

  test('a record leaving the CD ("..") is PATH_OUTSIDE_MEDIA, never followed', async () => {
    const root = cdRoot();
    cdWithImages(root, 1);
    writeDicomdir(path.join(root, 'DICOMDIR'), [['DICOM', 'ST1', 'IM1'], ['..', '..', 'ETC', 'PASSWD']]);
    const cd = await readCdContents(root);
    expect(cd.files).toHaveLength(1);
    expect(cd.errors.map((e) => e.code)).toEqual(['PATH_OUTSIDE_MEDIA']);
  });

  test('an unreadable DICOMDIR is an error, and the folder tree is searched instead', async () => {
    const root = cdRoot();
    const images = cdWithImages(root, 2);
    fs.writeFileSync(path.join(root, 'DICOMDIR'), Buffer.alloc(300, 0x42));
    const cd = await readCdContents(root);
    expect(cd.errors.map((e) => e.code)).toEqual(['DICOMDIR_UNREADABLE']);
    expect(cd.errors[0]).toBeInstanceOf(DicomFileError);
    expect(cd.files).toEqual(images);
  });
});
