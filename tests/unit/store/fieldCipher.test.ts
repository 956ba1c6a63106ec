import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import {
  CiphertextTamperedError,
  FieldCipher,
  MalformedCiphertextError,
  NoEncryptionKeyError,
  StoreError,
  UnknownEncryptionKeyError,
} from '../../../store';
import { CANARY_MARKERS } from '../../../sandbox/demo';

const keyA = { id: 'keyA', key: randomBytes(32) };
const keyB = { id: 'keyB', key: randomBytes(32) };
const SECRET = `${CANARY_MARKERS.join(' ')} born 1977-07-07`;
const AAD = 'req-1|body';

/** Flips one bit of one base64url part of a sealed value (part 2 = IV, 3 = tag, 4 = ciphertext). */
function flip(sealed: string, part: number, byte = 0): string {
  const parts = sealed.split('.');
  const buf = Buffer.from(parts[part]!, 'base64url');
  const i = byte % buf.length;
  buf[i] = buf[i]! ^ 0x01;
  parts[part] = buf.toString('base64url');
  return parts.join('.');
}

function thrown(fn: () => unknown): StoreError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(StoreError);
    const e = err as StoreError;
    // Typed errors never quote the plaintext, and never the key.
    for (const m of CANARY_MARKERS) expect(e.message).not.toContain(m);
    expect(e.message).not.toContain(keyA.key.toString('base64'));
    return e;
  }
  throw new Error('expected a throw');
}

describe('FieldCipher (AES-256-GCM with key ids)', () => {
  const cipher = new FieldCipher([keyA]);

  it('seals to "v1.<keyId>.<iv>.<tag>.<ct>" with a fresh IV, hides the plaintext, and opens it back', () => {
    const sealed = cipher.seal(SECRET, AAD);
    expect(sealed).toMatch(/^v1\.keyA\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]+$/);
    for (const m of CANARY_MARKERS) expect(sealed).not.toContain(m);
    expect(cipher.seal(SECRET, AAD)).not.toBe(sealed);
    expect(cipher.open(sealed, AAD)).toBe(SECRET);
    expect(cipher.keyIdOf(sealed)).toBe('keyA');
    expect(cipher.isCurrent(sealed)).toBe(true);
  });

  it('refuses a tampered ciphertext, tag or IV with CiphertextTamperedError (permanent)', () => {
    const sealed = cipher.seal(SECRET, AAD);
    for (const part of [2, 3, 4]) {
      const err = thrown(() => cipher.open(flip(sealed, part), AAD));
      expect(err).toBeInstanceOf(CiphertextTamperedError);
      expect(err.retryable).toBe(false);
      expect((err as CiphertextTamperedError).keyId).toBe('keyA');
    }
    // A truncated ciphertext (last byte dropped) fails the same way.
    const parts = sealed.split('.');
    parts[4] = Buffer.from(parts[4]!, 'base64url').subarray(0, -1).toString('base64url');
    expect(thrown(() => cipher.open(parts.join('.'), AAD))).toBeInstanceOf(CiphertextTamperedError);
  });

  it('refuses a value moved to another record or field (wrong associated data)', () => {
    const sealed = cipher.seal(SECRET, 'req-1|body');
    expect(thrown(() => cipher.open(sealed, 'req-2|body'))).toBeInstanceOf(CiphertextTamperedError);
    expect(thrown(() => cipher.open(sealed, 'req-1|note:0'))).toBeInstanceOf(CiphertextTamperedError);
    expect(thrown(() => cipher.open(sealed, ''))).toBeInstanceOf(CiphertextTamperedError);
  });

  it('names the missing key and says what to do when a value was sealed with a key that is not configured', () => {
    const sealedWithB = new FieldCipher([keyB]).seal(SECRET, AAD);
    const err = thrown(() => cipher.open(sealedWithB, AAD));
    expect(err).toBeInstanceOf(UnknownEncryptionKeyError);
    expect((err as UnknownEncryptionKeyError).keyId).toBe('keyB');
    expect(err.message).toContain('"keyB"');
    expect(err.message).toContain('ITB_ENCRYPTION_KEYS');
    expect(err.message).toMatch(/rotation/);
    expect(err.retryable).toBe(false);
  });

  it('seals with the first key and opens with any configured one (rotation), and a swapped key id is caught', () => {
    const old = new FieldCipher([keyA]).seal(SECRET, AAD);
    const rotated = new FieldCipher([keyB, keyA]);
    expect(rotated.activeKeyId).toBe('keyB');
    expect(rotated.open(old, AAD)).toBe(SECRET);
    expect(rotated.isCurrent(old)).toBe(false);
    const fresh = rotated.seal(SECRET, AAD);
    expect(rotated.keyIdOf(fresh)).toBe('keyB');
    expect(new FieldCipher([keyB]).open(fresh, AAD)).toBe(SECRET);
    // Relabelling a keyA value as keyB does not decrypt it: GCM authenticates with the key actually used.
    expect(thrown(() => rotated.open(old.replace('.keyA.', '.keyB.'), AAD))).toBeInstanceOf(CiphertextTamperedError);
  });

  it('refuses values that are not in the sealed format with MalformedCiphertextError', () => {
    const sealed = cipher.seal(SECRET, AAD);
    const [, , iv, tag, ct] = sealed.split('.');
    const bad = [
      'plain text',
      sealed.split('.').slice(0, 4).join('.'),
      `v2.keyA.${iv}.${tag}.${ct}`,
      `v1..${iv}.${tag}.${ct}`,
      `v1.keyA.${iv}!.${tag}.${ct}`,
      `v1.keyA.${iv}AA.${tag}.${ct}`,
      `v1.keyA.${iv}.${tag}AA.${ct}`,
    ];
    for (const value of bad) expect(thrown(() => cipher.open(value, AAD))).toBeInstanceOf(MalformedCiphertextError);
  });

  it('refuses to start without a usable key', () => {
    expect(thrown(() => new FieldCipher([]))).toBeInstanceOf(NoEncryptionKeyError);
    expect(thrown(() => new FieldCipher([{ id: 'short', key: randomBytes(16) }])).message).toContain('32 bytes');
    expect(thrown(() => new FieldCipher([{ id: 'a.b', key: randomBytes(32) }])).message).toContain('"a.b"');
    expect(thrown(() => new FieldCipher([keyA, { id: 'keyA', key: randomBytes(32) }])).message).toContain('twice');
  });

  it('makes lookup tokens that are stable per key, differ by key and purpose, and do not show the value', () => {
    const both = new FieldCipher([keyB, keyA]);
    const token = both.lookupToken('sNumber', 'S7171717');
    expect(both.lookupToken('sNumber', 'S7171717')).toBe(token);
    expect(both.lookupToken('sNumber', 'S7171718')).not.toBe(token);
    expect(both.lookupToken('nhsNumber', 'S7171717')).not.toBe(token);
    expect(both.lookupToken('sNumber', 'S7171717', 'keyA')).toBe(new FieldCipher([keyA]).lookupToken('sNumber', 'S7171717'));
    expect(both.lookupTokensUnderAllKeys('sNumber', 'S7171717')).toEqual([token, both.lookupToken('sNumber', 'S7171717', 'keyA')]);
    expect(token).not.toContain('7171717');
    expect(thrown(() => both.lookupToken('sNumber', 'S7171717', 'gone'))).toBeInstanceOf(UnknownEncryptionKeyError);
  });

  it('round-trips any text and associated data, and any single-bit change anywhere is refused (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string(), fc.nat(), fc.constantFrom(2, 3, 4), (plaintext, aad, byte, part) => {
        const sealed = cipher.seal(plaintext, aad);
        expect(cipher.open(sealed, aad)).toBe(plaintext);
        if (part === 4 && plaintext === '') return; // no ciphertext bytes to flip
        expect(() => cipher.open(flip(sealed, part, byte), aad)).toThrow(CiphertextTamperedError);
      }),
      { numRuns: 200 },
    );
  });
});
