import fs from 'node:fs';
import path from 'node:path';
import type { RisExamEntry } from '../../../integrations/ris/risExamEntry';

const dir = path.join(__dirname, '..', '..', 'fixtures', 'hl7');

/** Placeholder for the message control id in the .hl7 fixtures. */
export const CONTROL_ID_PLACEHOLDER = 'ITB_________________';

/** An HL7 fixture with its lines joined by CR (HL7 v2 segment terminator) and the control id filled in. */
export function hl7Fixture(name: string, controlId = CONTROL_ID_PLACEHOLDER): string {
  return fs
    .readFileSync(path.join(dir, name), 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .join('\r')
    .replaceAll(CONTROL_ID_PLACEHOLDER, controlId);
}

/** A fresh copy of the synthetic exam entry. */
export function examEntry(overrides: Partial<RisExamEntry> = {}): RisExamEntry {
  const entry = JSON.parse(fs.readFileSync(path.join(dir, 'import-exam-entry.json'), 'utf8')) as RisExamEntry;
  return { ...entry, ...overrides };
}
