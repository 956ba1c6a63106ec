import fc from 'fast-check';
import { cleanFreeText, textLength } from '../../../domain/freeText';
import { isBlanketExamRequest } from '../../../domain/blanketExamRequest';

const INVISIBLE = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u200B\u202A-\u202E\u2066-\u2069\uFEFF]/;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

describe('cleanFreeText', () => {
  it('never leaves control, bidi-override or zero-width characters, or lone surrogates', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.boolean(), (text, multiline) => {
        const cleaned = cleanFreeText(text, { multiline });
        expect(INVISIBLE.test(cleaned)).toBe(false);
        expect(cleaned).toBe(cleaned.trim());
        expect(LONE_SURROGATE.test(cleaned)).toBe(false);
        if (!multiline) expect(cleaned).not.toContain('\n');
        expect(cleanFreeText(cleaned, { multiline })).toBe(cleaned); // idempotent
      }),
      { numRuns: 3000 },
    );
  });

  it('keeps ordinary text, accents and line breaks in multi-line fields', () => {
    expect(cleanFreeText('  Zoë  O\u2019Neil\t(ward 7) ')).toBe('Zoë O\u2019Neil (ward 7)');
    expect(cleanFreeText('Line 1\r\n\r\n\r\n\r\nLine 2  \r\n', { multiline: true })).toBe('Line 1\n\nLine 2');
    expect(cleanFreeText('<b>not html</b> *not markdown*')).toBe('<b>not html</b> *not markdown*');
  });

  it('counts characters as people do', () => {
    expect(textLength('Zoë')).toBe(3);
    expect(textLength('😀x')).toBe(2);
  });
});

describe('isBlanketExamRequest', () => {
  it.each(['All imaging', 'all studies', 'Everything', 'all available images', 'Any prior scans', 'whole imaging history', 'All', 'every x-ray'])(
    'refuses %p',
    (text) => expect(isBlanketExamRequest(text)).toBe(true),
  );
  it.each(['CT head', 'MRI lumbar spine, all sequences', 'X-ray left wrist, all views', 'CT chest abdomen pelvis', 'Ultrasound abdomen 2024'])(
    'accepts %p',
    (text) => expect(isBlanketExamRequest(text)).toBe(false),
  );
});
