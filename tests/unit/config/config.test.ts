import fs from 'node:fs';
import path from 'node:path';
import { loadConfig, checkProductionConfig, checkProductionRedis, ConfigError } from '../../../config';
import { envSchema } from '../../../config/schema';

const KEY = `k1:${Buffer.alloc(32, 1).toString('base64')}`;
const PROD = {
  ITB_MODE: 'production',
  MICROSOFT_APP_ID: 'app',
  MICROSOFT_APP_PASSWORD: 'pw',
  MICROSOFT_APP_TENANT_ID: 'tenant',
  ALLOWED_TENANT_ID: 'tenant',
  ITB_ENCRYPTION_KEYS: KEY,
  APPROVER_AAD_OBJECT_IDS: 'c9024da4-7ef1-42a5-b4d4-a703d7be7128',
  SERVICE_DESK_CHANNEL_ID: '19:itb-iep-requests@thread.tacv2',
};

describe('loadConfig', () => {
  it('defaults to the sandbox on loopback with no environment at all', () => {
    const c = loadConfig({});
    expect(c.mode).toBe('sandbox');
    expect(c.bot.host).toBe('127.0.0.1');
    expect(c.bot.port).toBe(3978);
    expect(c.redis.prefix).toBe('{itb}');
    expect(c.encryptionKeys.map((k) => k.id)).toEqual(['sandbox']);
    expect(checkProductionConfig(c)).toEqual([]);
  });

  it('names the bad variable in a ConfigError', () => {
    expect(() => loadConfig({ BOT_PORT: 'seventy' })).toThrow(ConfigError);
    expect(() => loadConfig({ BOT_PORT: 'seventy' })).toThrow(/BOT_PORT/);
    expect(() => loadConfig({ ITB_MODE: 'staging' })).toThrow(/ITB_MODE/);
    expect(() => loadConfig({ ITB_ENCRYPTION_KEYS: 'nokey' })).toThrow(/ITB_ENCRYPTION_KEYS/);
    expect(() => loadConfig({ ITB_ENCRYPTION_KEYS: `a:${Buffer.alloc(16).toString('base64')}` })).toThrow(/32 bytes/);
    expect(() => loadConfig({ ITB_ENCRYPTION_KEYS: `${KEY},${KEY}` })).toThrow(/unique/);
    expect(() => loadConfig({ ITB_ENCRYPTION_KEYS: `k.1:${Buffer.alloc(32).toString('base64')}` })).toThrow(/letters, digits/);
  });

  it('treats blank optional variables as absent', () => {
    expect(loadConfig({ MICROSOFT_APP_ID: '  ' }).bot.appId).toBeUndefined();
  });

  it('keeps key order: the first key is the active one for rotation', () => {
    const c = loadConfig({ ITB_ENCRYPTION_KEYS: `new:${Buffer.alloc(32, 2).toString('base64')},old:${Buffer.alloc(32, 3).toString('base64')}` });
    expect(c.encryptionKeys.map((k) => k.id)).toEqual(['new', 'old']);
  });
});

describe('checkProductionConfig', () => {
  it('accepts a complete production configuration', () => {
    expect(checkProductionConfig(loadConfig(PROD))).toEqual([]);
  });
  it.each(['MICROSOFT_APP_ID', 'MICROSOFT_APP_PASSWORD', 'MICROSOFT_APP_TENANT_ID', 'ALLOWED_TENANT_ID', 'ITB_ENCRYPTION_KEYS', 'SERVICE_DESK_CHANNEL_ID', 'APPROVER_AAD_OBJECT_IDS'])(
    'reports a missing %s by name',
    (name) => {
      const env: Record<string, string> = { ...PROD };
      delete env[name];
      const problems = checkProductionConfig(loadConfig(env));
      expect(problems).toHaveLength(1);
      expect(problems[0]).toContain(name);
    },
  );
  it('refuses an OpenID override that is not https (it decides which tokens are trusted)', () => {
    const problems = checkProductionConfig(loadConfig({ ...PROD, BOT_OPENID_METADATA_URL: 'http://evil.example/.well-known' }));
    expect(problems).toEqual([expect.stringContaining('BOT_OPENID_METADATA_URL must be an https URL')]);
    expect(checkProductionConfig(loadConfig({ ...PROD, BOT_TOKEN_ISSUER: 'https://api.botframework.com' }))).toEqual([]);
  });
  it('does not need a password for a managed identity', () => {
    const env: Record<string, string> = { ...PROD, MICROSOFT_APP_TYPE: 'UserAssignedMSI' };
    delete env.MICROSOFT_APP_PASSWORD;
    expect(checkProductionConfig(loadConfig(env))).toEqual([]);
  });
});

describe('checkProductionRedis', () => {
  const info = (memory: string, persistence: string) => ({
    info: async (section: string) => (section === 'memory' ? memory : persistence),
  });
  it('accepts noeviction with AOF', async () => {
    expect(await checkProductionRedis(info('maxmemory_policy:noeviction\r\n', 'aof_enabled:1\r\n'))).toEqual([]);
  });
  it('refuses eviction and missing persistence, each on its own line', async () => {
    const problems = await checkProductionRedis(info('maxmemory_policy:volatile-lru\r\n', 'aof_enabled:0\r\n'));
    expect(problems).toEqual([expect.stringContaining('"volatile-lru"'), expect.stringContaining('appendonly must be yes')]);
  });
  it('reports an unreachable Redis', async () => {
    const problems = await checkProductionRedis({ info: async () => Promise.reject(new Error('ECONNREFUSED')) });
    expect(problems).toEqual([expect.stringMatching(/unreachable.*ECONNREFUSED/)]);
  });
});

describe('.env.example', () => {
  it('documents every variable the schema reads', () => {
    const example = fs.readFileSync(path.resolve(__dirname, '../../../.env.example'), 'utf8');
    const documented = new Set([...example.matchAll(/^([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]));
    const missing = Object.keys(envSchema.shape).filter((k) => !documented.has(k));
    expect(missing).toEqual([]);
  });
});
