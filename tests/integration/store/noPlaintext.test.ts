import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { auditEvent, type CallRef } from '../../../domain';
import type { Store } from '../../../store';
import { CANARY_MARKERS, demoPatient } from '../../../sandbox/demo';
import { addRetentionJob, createRetentionQueue, execRetentionJob, type RetentionJobData, type RetentionJobResult } from '../../../workers/retentionQueue';
import { analystActor, clinician, importRequest, requesterActor, systemActor } from './requestFixtures';
import { connect, dropPrefix, freshKey, keysUnder, storeFor, testPrefix } from './storeHarness';

const canary = demoPatient('canary');
/** The canary's markers plus the rest of what identifies them, in the spellings people type. */
const SECRETS = [
  ...CANARY_MARKERS,
  canary.birthDate,
  canary.nhsNumber!.replace(/(\d{3})(\d{3})(\d{4})/, '$1 $2 $3'),
  ...canary.address.lines,
  canary.address.postalCode,
];

/** Reads every key under the prefix with the command for its type; fails on a type it does not know. */
async function dumpEverything(redis: Redis, prefix: string): Promise<{ text: string; types: Set<string> }> {
  const parts: string[] = [];
  const types = new Set<string>();
  for (const key of await keysUnder(redis, prefix)) {
    const type = await redis.type(key);
    types.add(type);
    parts.push(key);
    switch (type) {
      case 'string':
        parts.push((await redis.get(key)) ?? '');
        break;
      case 'hash':
        parts.push(JSON.stringify(await redis.hgetall(key)));
        break;
      case 'list':
        parts.push(JSON.stringify(await redis.lrange(key, 0, -1)));
        break;
      case 'set':
        parts.push(JSON.stringify(await redis.smembers(key)));
        break;
      case 'zset':
        parts.push(JSON.stringify(await redis.zrange(key, 0, -1, 'WITHSCORES')));
        break;
      case 'stream':
        parts.push(JSON.stringify(await redis.xrange(key, '-', '+')));
        break;
      case 'none':
        break; // expired between SCAN and TYPE
      default:
        throw new Error(`key ${key} has type ${type}, which this test does not read`);
    }
  }
  return { text: parts.join('\n'), types };
}

function expectNoSecrets(text: string): void {
  for (const secret of SECRETS) {
    expect(text).not.toContain(secret);
    expect(text.toLowerCase()).not.toContain(secret.toLowerCase());
  }
}

describe('raw Redis holds no plaintext of the canary patient', () => {
  let redis: Redis;
  let prefix: string;
  let store: Store;
  let queue: Queue<RetentionJobData, RetentionJobResult>;

  beforeAll(() => {
    redis = connect();
    prefix = testPrefix('canary');
    store = storeFor(redis, prefix, [freshKey('keyA')]);
    queue = createRetentionQueue(redis, prefix);
  });
  afterAll(async () => {
    await queue.obliterate({ force: true });
    await queue.close();
    await dropPrefix(redis, prefix);
    await redis.quit();
  });

  it('across a whole life: submit, update, transitions with notes, idempotency, audit, references, retention job', async () => {
    const at = (m: number) => new Date(Date.UTC(2026, 2, 10, 10, m));
    const callRef = 'ITB-2026-000777' as CallRef;
    const { id } = await store.requests.create({
      request: importRequest('canary'), requester: clinician.aadObjectId, actor: requesterActor, at: at(0), idempotencyKey: 'submit-activity-1',
    });
    await store.requests.transition(id, 'logged', { actor: systemActor, at: at(1), reason: 'logged with the service desk', callRef, idempotencyKey: 'log-1' });
    await store.requests.transition(id, 'awaitingApproval', { actor: systemActor, at: at(2), reason: 'sent to the service-desk channel' });
    await store.requests.transition(id, 'needsInformation', {
      actor: analystActor, at: at(3), reason: 'exam dates missing', note: `Ask about ${canary.givenNames[0]} ${canary.familyName}, ${canary.sNumber}, NHS ${canary.nhsNumber}`,
    });
    const { version } = (await store.requests.getSummary(id))!;
    await store.requests.update(id, version, { at: at(4), request: importRequest('canary', { comments: `DOB ${canary.birthDate}, ${canary.address.postalCode}` }) });
    await store.requests.transition(id, 'awaitingApproval', { actor: requesterActor, at: at(5), reason: 'details supplied' });
    await store.requests.transition(id, 'approved', { actor: analystActor, at: at(6), reason: 'approved', idempotencyKey: 'approve-invoke-1' });
    await store.requests.transition(id, 'cancelled', { actor: analystActor, at: at(7), reason: 'cancelled by analyst', note: `${canary.familyName} seen locally` });
    await store.audit.append(auditEvent('request.viewed', { at: at(8), actor: analystActor, requestId: id, callRef }, { view: 'details' }));
    await store.idempotency.claim('approve-card-2');
    await store.idempotency.settle('approve-card-2', id);
    await store.conversations.saveForUser(clinician.aadObjectId, {
      channelId: 'msteams', serviceUrl: 'https://smba.trafficmanager.net/uk/', conversation: { id: 'a:1personal', conversationType: 'personal' },
      user: { id: '29:1clinician', aadObjectId: clinician.aadObjectId, name: clinician.displayName },
    });
    const job = await addRetentionJob(queue, 'canary-test');
    expect(job.data).toEqual({ trigger: 'manual' });

    const before = await dumpEverything(redis, prefix);
    expectNoSecrets(before.text);
    // The dump is real: it holds the clear facts, sealed values, the job and every kind of Redis value we write.
    expect(before.text).toContain(callRef);
    expect(before.text).toContain('Kettering General Hospital NHS Foundation Trust');
    expect(before.text).toMatch(/v1\.keyA\./);
    expect(before.text).toMatch(/trigger\W{1,8}manual/);
    expect([...before.types].sort()).toEqual(['hash', 'list', 'set', 'stream', 'string', 'zset']);
    // ...and what it holds is the canary's: the store decrypts it.
    expect((await store.requests.get(id))?.request?.patient.familyName).toBe(canary.familyName);

    // The retention job (0 days) runs through BullMQ's job as the worker would, and the dump stays clean.
    const result = await execRetentionJob(job, { store: store.requests, retentionDays: 0, now: () => at(9) });
    expect(result.purged).toBe(1);
    const after = await dumpEverything(redis, prefix);
    expectNoSecrets(after.text);
    expect(after.text).not.toMatch(/v1\.keyA\./);
    expect(after.text).toContain(callRef);
  });
});
