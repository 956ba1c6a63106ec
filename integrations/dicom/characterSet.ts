/**
 * Decoding text values under Specific Character Set (0008,0005), PS3.3 C.12.1.1.2 and PS3.5 6.1.
 * Node's TextDecoder (full ICU) does the decoding; this file only maps DICOM's defined terms to its labels.
 * Code extensions (ISO 2022 escape sequences) are only accepted when a value holds no ESC byte, since then it is
 * plain G0/G1 text of the first term; otherwise the value is reported as undecodable and the study quarantined.
 */

/** Defined term (without the "ISO 2022 " prefix) -> WHATWG encoding label. */
const LABELS: Record<string, string> = {
  '': 'latin1',
  'ISO_IR 6': 'latin1',
  'ISO_IR 100': 'latin1',
  'ISO_IR 101': 'iso-8859-2',
  'ISO_IR 109': 'iso-8859-3',
  'ISO_IR 110': 'iso-8859-4',
  'ISO_IR 144': 'iso-8859-5',
  'ISO_IR 127': 'iso-8859-6',
  'ISO_IR 126': 'iso-8859-7',
  'ISO_IR 138': 'iso-8859-8',
  'ISO_IR 148': 'iso-8859-9',
  'ISO_IR 203': 'iso-8859-15',
  'ISO_IR 13': 'shift_jis',
  'ISO_IR 166': 'windows-874',
  'ISO_IR 192': 'utf-8',
  GB18030: 'gb18030',
  GBK: 'gbk',
};

const ESC = 0x1b;

/** Decodes text values of one data set; `problem` is set when a value can't be trusted as text. */
export interface TextDecoderForDataset {
  decode(bytes: Buffer): { text: string } | { problem: string };
}

const cache = new Map<string, TextDecoderForDataset>();

/** The decoder for a Specific Character Set value (multi-valued, backslash-separated; may be empty). Cached. */
export function textDecoderFor(specificCharacterSet: string | undefined): TextDecoderForDataset {
  const key = specificCharacterSet ?? '';
  let d = cache.get(key);
  if (!d) {
    d = buildDecoder(key);
    // Values come from files: bound the cache so hostile input cannot grow it without limit.
    if (cache.size < 256) cache.set(key, d);
  }
  return d;
}

function buildDecoder(specificCharacterSet: string): TextDecoderForDataset {
  const terms = specificCharacterSet.split('\\').map((t) => t.trim());
  const first = terms[0] ?? '';
  const codeExtensions = terms.length > 1 || first.startsWith('ISO 2022');
  // "ISO 2022 IR 100" names the same repertoire as "ISO_IR 100", reached through code extensions.
  const label = LABELS[first.replace(/^ISO 2022 /, 'ISO_')];
  if (label === undefined) {
    return { decode: () => ({ problem: `Specific Character Set "${first}" is not supported` }) };
  }
  const decoder = new TextDecoder(label, { fatal: true });
  return {
    decode(bytes) {
      if (codeExtensions && bytes.includes(ESC)) {
        return { problem: 'text uses ISO 2022 code extensions (escape sequences), which are not supported' };
      }
      try {
        return { text: decoder.decode(bytes) };
      } catch {
        return { problem: `text is not valid ${label}` };
      }
    },
  };
}
