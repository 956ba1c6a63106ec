import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import type { EncryptionKey } from '../config';
import { CiphertextTamperedError, MalformedCiphertextError, NoEncryptionKeyError, UnknownEncryptionKeyError } from './errors';

const VERSION = 'v1';
const ALGORITHM = 'aes-256-gcm';
// 96-bit IVs are GCM's native size (NIST SP 800-38D 8.2.2); random per value, so one key may seal ~2^32 values safely.
const IV_BYTES = 12;
const TAG_BYTES = 16;
// Separate derived keys for lookup tokens: an HMAC must never be computed with the raw data key (key separation).
const LOOKUP_INFO = 'itb store patient lookup v1';

/**
 * AES-256-GCM for patient identifiers at rest, with key rotation. Written on node:crypto directly (no wrapper library
 * is installed, and the format must carry our key id): each value becomes
 *
 *   v1.<keyId>.<iv base64url>.<tag base64url>.<ciphertext base64url>
 *
 * Values are sealed with the active key (the first configured) and opened with the key their id names, so old values
 * stay readable while `rotate` re-encrypts them. The associated data binds a value to its record and field (e.g.
 * "<requestId>|body"): a ciphertext copied into another record fails authentication instead of showing the wrong
 * patient.
 */
export class FieldCipher {
  private readonly keys: ReadonlyMap<string, Buffer>;
  private readonly lookupKeys: ReadonlyMap<string, Buffer>;
  /** The key id new values are sealed with. */
  readonly activeKeyId: string;

  constructor(keys: readonly EncryptionKey[]) {
    const first = keys[0];
    if (!first) throw new NoEncryptionKeyError('none configured (set ITB_ENCRYPTION_KEYS)');
    const byId = new Map<string, Buffer>();
    for (const { id, key } of keys) {
      // The id is a field of the dotted format, so it may not contain the separator.
      if (!/^[A-Za-z0-9_-]{1,64}$/.test(id)) throw new NoEncryptionKeyError(`key id "${id}" must be 1-64 letters, digits, _ or -`);
      if (key.length !== 32) throw new NoEncryptionKeyError(`key "${id}" must be 32 bytes for AES-256`);
      if (byId.has(id)) throw new NoEncryptionKeyError(`key id "${id}" is listed twice`);
      byId.set(id, Buffer.from(key));
    }
    this.keys = byId;
    this.activeKeyId = first.id;
    this.lookupKeys = new Map([...byId].map(([id, key]) => [id, Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), LOOKUP_INFO, 32))]));
  }

  /** The configured key ids, active first. */
  get keyIds(): string[] {
    return [...this.keys.keys()];
  }

  /** Encrypts `plaintext` with the active key, bound to `associatedData`. */
  seal(plaintext: string, associatedData: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.keys.get(this.activeKeyId)!, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(associatedData, 'utf8'));
    const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [VERSION, this.activeKeyId, b64(iv), b64(cipher.getAuthTag()), b64(ct)].join('.');
  }

  /**
   * Decrypts a sealed value with the key it names. Throws UnknownEncryptionKeyError when that key is not configured,
   * CiphertextTamperedError when authentication fails (altered, or `associatedData` is not the one it was sealed with),
   * MalformedCiphertextError when it is not a sealed value at all.
   */
  open(sealed: string, associatedData: string): string {
    const { keyId, iv, tag, ct } = parse(sealed);
    const key = this.keys.get(keyId);
    if (!key) throw new UnknownEncryptionKeyError(keyId);
    const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(associatedData, 'utf8'));
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(ct), decipher.final()]).toString('utf8');
    } catch {
      throw new CiphertextTamperedError(keyId);
    }
  }

  /** The key id a sealed value names (no decryption). */
  keyIdOf(sealed: string): string {
    return parse(sealed).keyId;
  }

  /** True when the value is sealed with the active key (nothing for `rotate` to do). */
  isCurrent(sealed: string): boolean {
    return this.keyIdOf(sealed) === this.activeKeyId;
  }

  /**
   * A keyed hash of an identifier for exact-match lookups without storing it in clear (e.g. an S number -> request
   * ids index). `purpose` separates namespaces ("sNumber", "nhsNumber"). With the active key unless `keyId` is given.
   */
  lookupToken(purpose: string, value: string, keyId: string = this.activeKeyId): string {
    const key = this.lookupKeys.get(keyId);
    if (!key) throw new UnknownEncryptionKeyError(keyId);
    return createHmac('sha256', key).update(`${purpose}\u0000${value}`, 'utf8').digest('base64url');
  }

  /** The lookup token under every configured key, active first: finds entries not yet rotated. */
  lookupTokensUnderAllKeys(purpose: string, value: string): string[] {
    return this.keyIds.map((id) => this.lookupToken(purpose, value, id));
  }
}

function b64(buf: Buffer): string {
  return buf.toString('base64url');
}

const B64URL = /^[A-Za-z0-9_-]*$/;

function parse(sealed: string): { keyId: string; iv: Buffer; tag: Buffer; ct: Buffer } {
  if (typeof sealed !== 'string') throw new MalformedCiphertextError('not a string');
  const parts = sealed.split('.');
  if (parts.length !== 5) throw new MalformedCiphertextError(`expected 5 dot-separated parts, found ${parts.length}`);
  const [version, keyId, iv, tag, ct] = parts as [string, string, string, string, string];
  if (version !== VERSION) throw new MalformedCiphertextError(`unknown format version "${version.slice(0, 8)}"`);
  if (!keyId) throw new MalformedCiphertextError('empty key id');
  if (![iv, tag, ct].every((p) => B64URL.test(p))) throw new MalformedCiphertextError('a part is not base64url');
  const ivBuf = Buffer.from(iv, 'base64url');
  const tagBuf = Buffer.from(tag, 'base64url');
  if (ivBuf.length !== IV_BYTES) throw new MalformedCiphertextError(`IV must be ${IV_BYTES} bytes`);
  if (tagBuf.length !== TAG_BYTES) throw new MalformedCiphertextError(`tag must be ${TAG_BYTES} bytes`);
  return { keyId, iv: ivBuf, tag: tagBuf, ct: Buffer.from(ct, 'base64url') };
}
