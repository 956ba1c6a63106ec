import { ConfigError } from './errors';

/** A data key for patient identifiers at rest (AES-256-GCM). The id is stored beside each ciphertext, so keys rotate. */
export interface EncryptionKey {
  id: string;
  key: Buffer;
}

/**
 * A fixed, public key for the sandbox only, so that var/ data survives a restart on a laptop.
 * Production never uses it: checkProductionConfig refuses to start without ITB_ENCRYPTION_KEYS.
 */
export const SANDBOX_ENCRYPTION_KEY: EncryptionKey = {
  id: 'sandbox',
  key: Buffer.from('c2FuZGJveC1vbmx5LW5vdC1hLXNlY3JldC1rZXkhISE=', 'base64'),
};

/** Parses "id:base64[,id:base64...]"; the first entry is the active key for new writes. */
export function parseEncryptionKeys(raw: string): EncryptionKey[] {
  const keys = raw.split(',').map((entry) => {
    const [id, b64] = entry.trim().split(':');
    if (!id || !b64) throw new ConfigError('ITB_ENCRYPTION_KEYS: each entry must be "keyId:base64key"');
    // The key id is written beside every ciphertext ("v1.<keyId>.<iv>..."): keep it to a safe alphabet.
    if (!/^[A-Za-z0-9_-]{1,32}$/.test(id)) throw new ConfigError(`ITB_ENCRYPTION_KEYS: key id "${id.slice(0, 32)}" must be 1-32 letters, digits, _ or -`);
    const key = Buffer.from(b64, 'base64');
    if (key.length !== 32) throw new ConfigError(`ITB_ENCRYPTION_KEYS: key "${id}" must be 32 bytes (base64 of 32 random bytes)`);
    return { id, key };
  });
  const ids = new Set(keys.map((k) => k.id));
  if (ids.size !== keys.length) throw new ConfigError('ITB_ENCRYPTION_KEYS: key ids must be unique');
  return keys;
}
