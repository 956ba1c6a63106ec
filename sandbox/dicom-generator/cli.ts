#!/usr/bin/env node
/**
 * Command line for the synthetic DICOM generator, e.g. to seed Orthanc:
 *   node dist/sandbox/dicom-generator/cli.js --out var/studies/ct300 --instances 300 --modality CT \
 *     --study-date 2026-01-15 --patient-id RXX123 --name 'TESTPATIENT^ALPHA' --birth-date 1980-01-01 --nhs 9990000018
 * Prints one JSON line: { studyInstanceUid, files, bytes, seconds }.
 */
import { parseArgs } from 'node:util';
import { generateStudy, SyntheticSyntax, type SyntheticSyntaxName } from './generateStudy';

function main(): void {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      instances: { type: 'string', default: '10' },
      rows: { type: 'string', default: '512' },
      cols: { type: 'string', default: '512' },
      modality: { type: 'string', default: 'CT' },
      'study-date': { type: 'string', default: '2026-01-15' },
      'patient-id': { type: 'string', default: 'SYNTH0001' },
      issuer: { type: 'string' },
      name: { type: 'string', default: 'TESTPATIENT^ALPHA' },
      'birth-date': { type: 'string', default: '1980-01-01' },
      nhs: { type: 'string' },
      accession: { type: 'string' },
      series: { type: 'string', default: '1' },
      syntax: { type: 'string', default: 'explicitLE' },
    },
  });
  if (!values.out) {
    console.error('usage: cli.js --out DIR [--instances N] [--rows R] [--cols C] [--modality CT] [--study-date YYYY-MM-DD]');
    console.error('       [--patient-id ID] [--issuer X] [--name FAMILY^GIVEN] [--birth-date YYYY-MM-DD] [--nhs 999xxxxxxx]');
    console.error(`       [--accession A] [--series N] [--syntax ${Object.keys(SyntheticSyntax).join('|')}]`);
    process.exit(2);
  }
  if (!(values.syntax in SyntheticSyntax)) throw new Error(`unknown --syntax ${values.syntax}`);
  if (values.nhs && !values.nhs.startsWith('999')) throw new Error('--nhs must be a synthetic NHS number from the 999 range');
  const t0 = process.hrtime.bigint();
  const study = generateStudy({
    outDir: values.out,
    instances: Number(values.instances),
    rows: Number(values.rows),
    cols: Number(values.cols),
    modality: values.modality,
    studyDate: values['study-date'],
    series: Number(values.series),
    accessionNumber: values.accession,
    syntax: values.syntax as SyntheticSyntaxName,
    patient: { id: values['patient-id'], issuer: values.issuer, name: values.name, birthDate: values['birth-date'], nhsNumber: values.nhs },
  });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(JSON.stringify({ studyInstanceUid: study.studyInstanceUid, files: study.files.length, bytes: study.bytes, seconds: Number(seconds.toFixed(3)) }));
}

main();
