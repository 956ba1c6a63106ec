import fc from 'fast-check';
import {
  CALL_REF_RULE,
  CONTACT_PHONE_RULE,
  EXAM_CODE_RULE,
  EXTERNAL_PHONE_RULE,
  NHS_NUMBER_RULE,
  emailRule,
  localIdRule,
} from '../../../cards/clientRules';
import { cardRegexForLocalId } from '../../../cards/localIdRegex';
import { parseCallRef, validateExportRequest, validateImportRequest } from '../../../domain';
import { TODAY, filledImportValues } from './cardSamples';

/**
 * The card's checks must never refuse what the server accepts (a clinician would be stuck), and should refuse what it
 * refuses where a regex can tell. Card regexes run as `new RegExp(regex).test(value)`, as the renderer does.
 */
const cardAccepts = (regex: string | null, value: string) => regex === null || new RegExp(regex, 'g').test(value);

// The server's verdict on one field, through the real validators with an otherwise valid form.
const importFieldOk = (field: string, value: string) => {
  const r = validateImportRequest({ ...filledImportValues(1), [field]: value }, { today: TODAY });
  return r.ok || !r.errors.some((e) => e.field === field);
};
const exportFieldOk = (field: string, value: string) => {
  const base = {
    ...filledImportValues(1),
    destinationOrganisation: 'Nottingham University Hospitals NHS Trust',
    siteContactName: 'Pat Receiver',
    siteContactPosition: 'PACS manager',
    siteContactPhone: '0115 496 0123',
    siteContactEmail: 'pacs@nhs.example',
  };
  const r = validateExportRequest({ ...base, [field]: value }, { today: TODAY });
  return r.ok || !r.errors.some((e) => e.field === field);
};

const runs = { numRuns: 300 };

/**
 * Phone-like text: a UK or international prefix (or an extension word), 4-17 digits, punctuation sprinkled between,
 * so that many candidates are numbers the server takes and the edges (too short, too long, "+0") are near.
 */
function phoneLike(withExtensions: boolean): fc.Arbitrary<string> {
  const prefixes = ['0', '+44', '0044', '+44 (0)', '+', '00', '', ...(withExtensions ? ['x', 'ext ', 'EXT. ', 'extension ', 'Bleep ', 'blp '] : [])];
  return fc
    .tuple(
      fc.constantFrom(...prefixes),
      fc.array(pick('0123456789'), { minLength: 4, maxLength: 17 }),
      fc.array(fc.constantFrom('', '', '', ' ', '-', '.', '(', ')'), { minLength: 17, maxLength: 17 }),
    )
    .map(([prefix, digits, punct]) => prefix + digits.map((d, i) => `${d}${punct[i] ?? ''}`).join(''));
}
const pick = (s: string) => fc.constantFrom(...s.split(''));
const textOf = (alphabet: string, max: number) => fc.array(pick(alphabet), { maxLength: max }).map((a) => a.join(''));

describe('local id (S number) regex', () => {
  const rule = localIdRule();

  it('accepts what the domain accepts: S + 7 digits in any case with spaces anywhere', () => {
    for (const ok of ['S1234567', 's1234567', ' S 123 4567 ', 'S1 2 3 4 5 6 7']) {
      expect([ok, cardAccepts(rule.regex, ok)]).toEqual([ok, true]);
      expect([ok, importFieldOk('sNumber', ok)]).toEqual([ok, true]);
    }
    for (const bad of ['1234567', 'S123456', 'S12345678', 'X1234567', 'S123456a']) {
      expect([bad, cardAccepts(rule.regex, bad)]).toEqual([bad, false]);
      expect([bad, importFieldOk('sNumber', bad)]).toEqual([bad, false]);
    }
  });

  it('agrees with the domain on arbitrary text made of the characters that matter', () => {
    fc.assert(
      fc.property(textOf('Ss0123456789 x', 14), (v) => {
        if (v.trim() === '') return; // blank is "required", which isRequired checks, not the regex
        expect(cardAccepts(rule.regex, v)).toBe(importFieldOk('sNumber', v));
      }),
      runs,
    );
  });

  it('translates simple configured patterns, case- and space-tolerant, and gives up on complex ones', () => {
    const rwe = new RegExp(cardRegexForLocalId(/^RWE[A-Z0-9]{6}$/) as string);
    expect(rwe.test('rwe ab12cd')).toBe(true);
    expect(rwe.test('RWEAB12C')).toBe(false);
    const dashes = new RegExp(cardRegexForLocalId(/^[A-Z-]\d{3}$/) as string);
    expect(dashes.test('-123')).toBe(true);
    expect(dashes.test('b123')).toBe(true);
    expect(dashes.test('a-123')).toBe(false);
    expect(cardRegexForLocalId(/^(A|B)\d+$/)).toBeUndefined();
    expect(cardRegexForLocalId(/^\w+$/)).toBeUndefined();
    // No regex then: the card checks presence only, the server the shape.
    expect(localIdRule({ pattern: /^(A|B)\d+$/ }).regex).toBeNull();
  });
});

describe('NHS number regex', () => {
  it('accepts every shape the domain accepts (10 digits, spaces, hyphens, en dashes)', () => {
    const digits = fc.array(pick('0123456789'), { minLength: 10, maxLength: 10 });
    const sep = fc.array(fc.constantFrom('', ' ', '-', '\u2013'), { minLength: 11, maxLength: 11 });
    fc.assert(
      fc.property(digits, sep, (d, s) => {
        const v = d.map((c, i) => `${s[i]}${c}`).join('') + s[10];
        if (importFieldOk('nhsNumber', v)) expect(cardAccepts(NHS_NUMBER_RULE.regex, v)).toBe(true);
        // Every 10-digit shape passes the card; only the check digit is left to the server.
        expect(cardAccepts(NHS_NUMBER_RULE.regex, v)).toBe(true);
      }),
      runs,
    );
  });

  it('refuses the wrong number of digits and letters', () => {
    for (const bad of ['999 000 001', '999 000 00188', '999.000.0018', 'NHS9990000018']) expect([bad, cardAccepts(NHS_NUMBER_RULE.regex, bad)]).toEqual([bad, false]);
  });
});

describe('exam code, e-mail, phones, call reference', () => {
  it('exam code: the card never refuses a code the server takes', () => {
    fc.assert(
      fc.property(textOf('aZ09 ._/-#', 24), (v) => {
        if (v.trim() === '') return;
        if (importFieldOk('exams[0].examCode', v)) expect(cardAccepts(EXAM_CODE_RULE.regex, v)).toBe(true);
      }),
      runs,
    );
    expect(cardAccepts(EXAM_CODE_RULE.regex, 'ccthe')).toBe(true);
    expect(cardAccepts(EXAM_CODE_RULE.regex, 'CT#HEAD')).toBe(false);
  });

  it('e-mail: the card never refuses an address the server takes', () => {
    const rule = emailRule('x');
    fc.assert(
      fc.property(fc.emailAddress(), (v) => {
        if (importFieldOk('requesterEmail', v)) expect(cardAccepts(rule.regex, v)).toBe(true);
      }),
      runs,
    );
    expect(cardAccepts(rule.regex, 'jo.example')).toBe(false);
    expect(importFieldOk('requesterEmail', 'jo.example')).toBe(false);
  });

  it('requester phone: numbers, extensions and bleeps the server takes pass the card', () => {
    for (const ok of ['0116 496 0123', '+44 (0)116 496 0123', '0044 116 496 0123', 'x18000', 'ext 18000', 'EXT. 18000', 'Bleep 4321', 'blp 4321', '18000', '+1 212 555 0100']) {
      expect([ok, importFieldOk('requesterPhone', ok)]).toEqual([ok, true]);
      expect([ok, cardAccepts(CONTACT_PHONE_RULE.regex, ok)]).toEqual([ok, true]);
    }
    let accepted = 0;
    fc.assert(
      fc.property(phoneLike(true), (v) => {
        if (!importFieldOk('requesterPhone', v)) return;
        accepted++;
        expect([v, cardAccepts(CONTACT_PHONE_RULE.regex, v)]).toEqual([v, true]);
      }),
      runs,
    );
    // The property means something only if the server took a fair share of the generated numbers (about 1 in 5).
    expect(accepted).toBeGreaterThan(runs.numRuns / 10);
    expect(cardAccepts(CONTACT_PHONE_RULE.regex, 'call me')).toBe(false);
  });

  it('site contact phone: full numbers only, never refusing one the server takes', () => {
    let accepted = 0;
    fc.assert(
      fc.property(phoneLike(false), (v) => {
        if (!exportFieldOk('siteContactPhone', v)) return;
        accepted++;
        expect([v, cardAccepts(EXTERNAL_PHONE_RULE.regex, v)]).toEqual([v, true]);
      }),
      runs,
    );
    expect(accepted).toBeGreaterThan(runs.numRuns / 10);
    expect(cardAccepts(EXTERNAL_PHONE_RULE.regex, 'ext 18000')).toBe(false);
    expect(exportFieldOk('siteContactPhone', 'ext 18000')).toBe(false);
  });

  it('call reference: the card takes what parseCallRef reads', () => {
    for (const ok of ['ITB-2026-000123', ' itb-2026-000123 ', 'ITB-2026-1234567']) {
      expect(parseCallRef(ok)).toBeDefined();
      expect(cardAccepts(CALL_REF_RULE.regex, ok)).toBe(true);
    }
    fc.assert(
      fc.property(fc.integer({ min: 2000, max: 9999 }), fc.integer({ min: 1, max: 999_999_999 }), (y, n) => {
        const ref = `ITB-${y}-${String(n).padStart(6, '0')}`;
        expect(cardAccepts(CALL_REF_RULE.regex, ref)).toBe(parseCallRef(ref) !== undefined);
      }),
      runs,
    );
    expect(cardAccepts(CALL_REF_RULE.regex, 'ITB-26-123')).toBe(false);
  });
});
