import fc from 'fast-check';
import { Message } from 'node-hl7-client';
import { escapeHl7, unescapeHl7 } from '../../../integrations/ris/hl7Escape';
import { buildImportExamMessage, IMPORT_EXAM_SEGMENTS } from '../../../integrations/ris/importExamMessage';
import type { RisExamEntry } from '../../../integrations/ris/risExamEntry';

// Issue 9: user text must not be able to inject segments. Every free-text and id field of the message gets a random
// string (delimiters, CR/LF, MLLP framing bytes, escape look-alikes, any Unicode); building, parsing and unescaping
// must give back exactly the same strings, with the same five segments.
// 100,000 runs go through a split-on-delimiters parser and unescapeHl7 (about 10 s); a further 2,000 go through
// node-hl7-client's parser and unescape, an independent implementation (its path lookups cost ~0.1 ms each, so 100,000
// runs there would take two minutes).

const RUNS = 100_000;
const LIBRARY_RUNS = 2_000;

const nasty = fc.constantFrom(
  '|', '^', '~', '\\', '&', '\r', '\n', '\r\n', '\x0b', '\x1c', '\x1c\r', '\x00', '\t', ' ', '  ',
  'MSH|^~\\&|', '\rOBR|1|', '\nPID|', '\\X0D\\', '\\E\\', '\\F\\', '\\.br\\', '\\H\\', '\\Zfoo\\', 'é', 'ß', '😀', '\u2028', '\uFEFF', 'Ω', '\u00a0',
);
const text = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: nasty, maxLength: 12 }),
  fc.string({ unit: fc.oneof(nasty, fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })), maxLength: 20 }),
);

const userFields = fc.record({
  sNumber: text, nhsNumber: text, familyName: text, givenName: text, examCode: text, examDescription: text,
  accessionNumber: text, placerOrderNumber: text, fillerOrderNumber: text, callRef: text,
});
type UserFields = typeof userFields extends fc.Arbitrary<infer T> ? T : never;

function entryFrom(f: UserFields): RisExamEntry {
  return {
    examId: 'exam-1', callRef: f.callRef, accessionNumber: f.accessionNumber, placerOrderNumber: f.placerOrderNumber,
    fillerOrderNumber: f.fillerOrderNumber, examCode: f.examCode, examDescription: f.examDescription,
    acquisitionDate: '2024-03-05', acquisitionTime: '14:22',
    patient: { sNumber: f.sNumber, nhsNumber: f.nhsNumber, familyName: f.familyName, givenName: f.givenName, birthDate: '1970-01-31' },
  };
}

/** Split on the default delimiters, then unescape: the HL7 v2 grammar, nothing more. */
function readBackBySplitting(hl7: string): UserFields {
  const segs = new Map(hl7.split('\r').map((seg) => [seg.slice(0, 3), seg.split('|')] as const));
  const comp = (seg: string, field: number, component: number, rep = 0): string => {
    const value = segs.get(seg)?.[field]?.split('~')[rep]?.split('^')[component - 1];
    return value === undefined ? '' : unescapeHl7(value);
  };
  return {
    sNumber: comp('PID', 3, 1, 0),
    nhsNumber: comp('PID', 3, 1, 1),
    familyName: comp('PID', 5, 1),
    givenName: comp('PID', 5, 2),
    examCode: comp('OBR', 4, 1),
    examDescription: comp('OBR', 4, 2),
    accessionNumber: comp('OBR', 18, 1),
    placerOrderNumber: comp('ORC', 2, 1),
    fillerOrderNumber: comp('ORC', 3, 1),
    callRef: comp('OBR', 19, 1),
  };
}

function blankFields(): UserFields {
  return { sNumber: '', nhsNumber: '', familyName: '', givenName: '', examCode: '', examDescription: '', accessionNumber: '', placerOrderNumber: '', fillerOrderNumber: '', callRef: '' };
}

function sameFields(a: UserFields, b: UserFields): boolean {
  return (Object.keys(a) as (keyof UserFields)[]).every((k) => a[k] === b[k]);
}

function readBack(msg: Message): UserFields {
  const ids = msg.get('PID.3').toArray();
  return {
    sNumber: ids[0]?.get(0).toString() ?? '<missing>',
    nhsNumber: ids[1]?.get(0).toString() ?? '<missing>',
    familyName: msg.get('PID.5.1').toString(),
    givenName: msg.get('PID.5.2').toString(),
    examCode: msg.get('OBR.4.1').toString(),
    examDescription: msg.get('OBR.4.2').toString(),
    accessionNumber: msg.get('OBR.18').toString(),
    placerOrderNumber: msg.get('ORC.2').toString(),
    fillerOrderNumber: msg.get('ORC.3').toString(),
    callRef: msg.get('OBR.19').toString(),
  };
}

describe('HL7 escaping: exact round trip, no segment injection', () => {
  it(`survives build -> parse -> unescape for ${RUNS.toLocaleString('en-GB')} random field sets`, () => {
    fc.assert(
      fc.property(userFields, (fields) => {
        const hl7 = buildImportExamMessage(entryFrom(fields), { now: new Date(0) });
        const segments = hl7.split('\r');
        // Exactly our five segments, and no LF or MLLP framing byte anywhere (CR only as our segment terminator).
        if (segments.length !== IMPORT_EXAM_SEGMENTS.length) return false;
        if (!segments.every((seg, i) => seg.startsWith(`${IMPORT_EXAM_SEGMENTS[i]}|`))) return false;
        if (/[\n\x0b\x1c]/.test(hl7)) return false;
        return sameFields(readBackBySplitting(hl7), fields);
      }),
      { numRuns: RUNS },
    );
  });

  it(`reads back the same through node-hl7-client's parser for ${LIBRARY_RUNS.toLocaleString('en-GB')} more`, () => {
    fc.assert(
      fc.property(userFields, (fields) => {
        const msg = new Message({ text: buildImportExamMessage(entryFrom(fields), { now: new Date(0) }) });
        expect(msg.toArray().map((seg) => seg.toString().slice(0, 3))).toEqual([...IMPORT_EXAM_SEGMENTS]);
        expect(readBack(msg)).toEqual(fields);
        // The placer and filler ids appear twice (ORC and OBR); both copies must agree.
        expect([msg.get('OBR.2').toString(), msg.get('OBR.3').toString()]).toEqual([fields.placerOrderNumber, fields.fillerOrderNumber]);
      }),
      { numRuns: LIBRARY_RUNS },
    );
  });

  it('would notice an injection: the same message with the escape undone gains a segment and loses the name', () => {
    const fields = { ...blankFields(), familyName: 'Smith\rOBR|1' };
    const hl7 = buildImportExamMessage(entryFrom(fields), { now: new Date(0) });
    const unescaped = hl7.replace('\\X0D\\', '\r').replace('\\F\\', '|');
    expect(hl7.split('\r')).toHaveLength(IMPORT_EXAM_SEGMENTS.length);
    expect(unescaped.split('\r')).toHaveLength(IMPORT_EXAM_SEGMENTS.length + 1);
    expect(sameFields(readBackBySplitting(hl7), fields)).toBe(true);
    expect(sameFields(readBackBySplitting(unescaped), fields)).toBe(false);
  });
});

describe('escapeHl7', () => {
  it.each([
    ['a|b', 'a\\F\\b'],
    ['a^b', 'a\\S\\b'],
    ['a~b', 'a\\R\\b'],
    ['a&b', 'a\\T\\b'],
    ['a\\b', 'a\\E\\b'],
    ['Smith\rOBR|1', 'Smith\\X0D\\OBR\\F\\1'],
    ['x\ny', 'x\\X0A\\y'],
    ['\x0bframe\x1c\r', '\\X0B\\frame\\X1C\\\\X0D\\'],
    ['\\F\\', '\\E\\F\\E\\'],
    ["O'Brien-Zoë 😀", "O'Brien-Zoë 😀"],
  ])('escapes %j as %j', (input, expected) => {
    expect(escapeHl7(input)).toBe(expected);
  });
});
