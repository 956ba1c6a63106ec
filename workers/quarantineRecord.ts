import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { findingsVersion, isReleasable, type AcceptedFinding } from '../integrations/dicom/acceptedFindings';
import type { FieldCipher } from '../store';
import { FLOW_STATE_TTL_SECONDS } from './flowState';

/** The log-safe part of a finding: what the channel card may show without the values. */
export interface HeldFindingFacts {
  code: AcceptedFinding['code'];
  field?: AcceptedFinding['field'];
  against?: AcceptedFinding['against'];
}

/** What the DICOM engine held a request's delivery for, as stored at quarantine time. */
export interface HeldDelivery {
  requestId: string;
  /** The run whose delivery was held (the release re-runs it). */
  run: number;
  /** The findings' version (acceptedFindings.ts findingsVersion): the card's hint is compared with it. */
  version: string;
  /** Every finding kind a person can settle by checking (acceptedFindings.ts RELEASABLE_CODES). */
  releasable: boolean;
  /** Codes, fields and references: log-safe. */
  facts: HeldFindingFacts[];
  /** ISO instant it was held. */
  heldAt: string;
  /** The analyst's release of exactly this version, once ordered. */
  release?: ReleaseOrder;
}

/** An approver's release of one version of the findings. */
export interface ReleaseOrder {
  version: string;
  /** The approver's Entra object id. */
  by: string;
  /** ISO instant. */
  at: string;
}

/** What orderRelease did. */
export type ReleaseOrderOutcome =
  | { outcome: 'ordered'; held: HeldDelivery }
  /** The same version was released already (a retried click, a colleague): nothing new. */
  | { outcome: 'alreadyOrdered'; held: HeldDelivery }
  /** Nothing held, or the findings changed since the card was drawn. */
  | { outcome: 'stale'; held?: HeldDelivery }
  | { outcome: 'notReleasable'; held: HeldDelivery };

// KEYS[1] the record. ARGV: version, release JSON, sealed confirmation, ttl. Compare and set in one step, so two
// presses (or a press racing a new quarantine) cannot both win or release findings nobody saw.
const ORDER_RELEASE = `
local v = redis.call('HGET', KEYS[1], 'version')
if not v or v ~= ARGV[1] then return 'stale' end
if redis.call('HGET', KEYS[1], 'releasable') ~= '1' then return 'notReleasable' end
local existing = redis.call('HGET', KEYS[1], 'release')
if existing then
  local o = cjson.decode(existing)
  if o.version == ARGV[1] then return 'alreadyOrdered' end
end
redis.call('HSET', KEYS[1], 'release', ARGV[2], 'confirmation', ARGV[3])
redis.call('EXPIRE', KEYS[1], ARGV[4])
return 'ordered'
`;

/**
 * The quarantine record of a request (`<prefix>:quarantine:<requestId>`): what the engine held the delivery for, and
 * the release an approver ordered. Finding texts quote patient values and the analyst's confirmation is free text,
 * so both are sealed with the store's cipher (AES-256-GCM, bound to the request and field); codes, version and who
 * released are in clear. A new quarantine (a release whose re-run found something else) replaces the findings and
 * drops the old release, so a release is only ever of the findings the analyst saw.
 */
export class QuarantineRecords {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly cipher: FieldCipher,
    private readonly ttlSeconds = FLOW_STATE_TTL_SECONDS,
  ) {}

  private key(requestId: string): string {
    return `${this.prefix}:quarantine:${requestId}`;
  }

  /**
   * Records the findings of a held delivery; returns their version. Idempotent: the same findings again (a retried
   * step) keep the version and any release ordered for it; different findings get a new version and no release.
   */
  async recordHeld(requestId: string, run: number, findings: readonly AcceptedFinding[], at: Date): Promise<string> {
    const key = this.key(requestId);
    // A per-request salt, so the version (which travels on the card) cannot be matched against guessed values.
    await this.redis.hsetnx(key, 'salt', randomBytes(16).toString('hex'));
    const salt = (await this.redis.hget(key, 'salt')) as string;
    const version = findingsVersion(salt, findings);
    if ((await this.redis.hget(key, 'version')) === version) {
      await this.redis.expire(key, this.ttlSeconds);
      return version;
    }
    const facts: HeldFindingFacts[] = findings.map((f) => ({ code: f.code, ...(f.field ? { field: f.field } : {}), ...(f.against ? { against: f.against } : {}) }));
    await this.redis
      .multi()
      .hdel(key, 'release', 'confirmation')
      .hset(key, {
        version,
        run: String(run),
        releasable: isReleasable(findings) ? '1' : '0',
        facts: JSON.stringify(facts),
        findings: this.cipher.seal(JSON.stringify(findings), `${requestId}|quarantine.findings`),
        heldAt: at.toISOString(),
      })
      .expire(key, this.ttlSeconds)
      .exec();
    return version;
  }

  /** The held delivery as the channel card and the app see it (no values), or undefined when nothing was held. */
  async read(requestId: string): Promise<HeldDelivery | undefined> {
    const h = await this.redis.hgetall(this.key(requestId));
    if (!h.version) return undefined;
    return {
      requestId,
      run: Number(h.run ?? 0),
      version: h.version,
      releasable: h.releasable === '1',
      facts: h.facts ? (JSON.parse(h.facts) as HeldFindingFacts[]) : [],
      heldAt: h.heldAt ?? '',
      ...(h.release ? { release: JSON.parse(h.release) as ReleaseOrder } : {}),
    };
  }

  /** The findings with their texts (sealed; for the worker's re-check and the analyst's 1:1 details only). */
  async findings(requestId: string): Promise<AcceptedFinding[] | undefined> {
    const sealed = await this.redis.hget(this.key(requestId), 'findings');
    return sealed === null ? undefined : (JSON.parse(this.cipher.open(sealed, `${requestId}|quarantine.findings`)) as AcceptedFinding[]);
  }

  /** How the approver confirmed it is the same patient (sealed free text), when a release was ordered. */
  async confirmation(requestId: string): Promise<string | undefined> {
    const sealed = await this.redis.hget(this.key(requestId), 'confirmation');
    return sealed === null ? undefined : this.cipher.open(sealed, `${requestId}|quarantine.confirmation`);
  }

  /**
   * What a release step needs, read in one step so the findings, their version and the order belong together: the
   * accepted findings and the confirmation when a release of the CURRENT version was ordered and it is releasable,
   * else undefined (nothing ordered, or held again since: that release is void).
   */
  async orderedRelease(requestId: string): Promise<{ version: string; findings: AcceptedFinding[]; confirmation?: string } | undefined> {
    const [version, releasable, release, findings, confirmation] = await this.redis.hmget(this.key(requestId), 'version', 'releasable', 'release', 'findings', 'confirmation');
    if (!version || releasable !== '1' || !release || !findings) return undefined;
    if ((JSON.parse(release) as ReleaseOrder).version !== version) return undefined;
    return {
      version,
      findings: JSON.parse(this.cipher.open(findings, `${requestId}|quarantine.findings`)) as AcceptedFinding[],
      ...(confirmation ? { confirmation: this.cipher.open(confirmation, `${requestId}|quarantine.confirmation`) } : {}),
    };
  }

  /** Orders the release of exactly `version` (compare and set); see ReleaseOrderOutcome. */
  async orderRelease(requestId: string, version: string, by: { aadObjectId: string; at: Date }, confirmation: string): Promise<ReleaseOrderOutcome> {
    const order: ReleaseOrder = { version, by: by.aadObjectId, at: by.at.toISOString() };
    const sealed = this.cipher.seal(confirmation, `${requestId}|quarantine.confirmation`);
    const result = (await this.redis.eval(ORDER_RELEASE, 1, this.key(requestId), version, JSON.stringify(order), sealed, String(this.ttlSeconds))) as string;
    const held = await this.read(requestId);
    if (result === 'ordered' && held) return { outcome: 'ordered', held };
    if (result === 'alreadyOrdered' && held) return { outcome: 'alreadyOrdered', held };
    if (result === 'notReleasable' && held) return { outcome: 'notReleasable', held };
    return held ? { outcome: 'stale', held } : { outcome: 'stale' };
  }
}

/** The records over a FlowDeps-shaped set of parts (the workers' and the bot's analyst operations alike). */
export function quarantineRecordsOf(deps: { redis: Redis; prefix: string; store: { requests: { cipher: FieldCipher } } }): QuarantineRecords {
  return new QuarantineRecords(deps.redis, deps.prefix, deps.store.requests.cipher);
}
