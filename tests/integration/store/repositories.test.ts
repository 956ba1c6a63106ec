import { Redis } from 'ioredis';
import { auditEvent, type CallRef } from '../../../domain';
import {
  AuditFactsRejectedError,
  ConversationReferences,
  CorruptRecordError,
  InvalidStoreInputError,
  StoreError,
  StoreKeys,
  StoreUnavailableError,
  type Store,
  type StoredConversationReference,
} from '../../../store';
import { CANARY_MARKERS, demoPatient } from '../../../sandbox/demo';
import { closedPort } from '../pas/peerFixtures';
import { analystActor, clinician, importRequest, requesterActor } from './requestFixtures';
import { connect, dropPrefix, freshKey, storeFor, testPrefix } from './storeHarness';

const T0 = new Date('2026-03-10T10:00:00.000Z');
const callRef = 'ITB-2026-000042' as CallRef;

describe('audit trail, idempotency keys and conversation references on real Redis', () => {
  let redis: Redis;
  let prefix: string;
  let store: Store;

  beforeAll(() => {
    redis = connect();
  });
  beforeEach(() => {
    prefix = testPrefix('repo');
    store = storeFor(redis, prefix, [freshKey('keyA')]);
  });
  afterEach(async () => {
    await dropPrefix(redis, prefix);
  });
  afterAll(async () => {
    await redis.quit();
  });

  describe('AuditTrail', () => {
    it('appends to the request stream and the global stream, reads in order, and pages with a cursor', async () => {
      const who = (requestId: string, minute: number) => ({ at: new Date(T0.getTime() + minute * 60_000), actor: analystActor, requestId, callRef });
      await store.audit.append(auditEvent('request.viewed', who('r1', 1), { view: 'details' }));
      await store.audit.append(auditEvent('iep.statusSeen', who('r2', 2), { iepStatus: 'On IEP' }));
      await store.audit.append(auditEvent('pacs.stored', who('r1', 3), { studyCount: 1, instanceCount: 240 }));
      const r1 = await store.audit.readForRequest('r1');
      expect(r1.map((e) => e.event)).toEqual([
        { type: 'request.viewed', at: '2026-03-10T10:01:00.000Z', actor: analystActor, requestId: 'r1', callRef, facts: { view: 'details' } },
        { type: 'pacs.stored', at: '2026-03-10T10:03:00.000Z', actor: analystActor, requestId: 'r1', callRef, facts: { studyCount: 1, instanceCount: 240 } },
      ]);
      const global = await store.audit.readGlobal();
      expect(global.map((e) => e.event.requestId)).toEqual(['r1', 'r2', 'r1']);
      const page = await store.audit.readGlobal({ after: global[0]!.streamId, count: 1 });
      expect(page.map((e) => e.event.type)).toEqual(['iep.statusSeen']);
      expect(await redis.type(`${prefix}:audit`)).toBe('stream');
      expect(await redis.type(`${prefix}:audit:r1`)).toBe('stream');
    });

    it('refuses facts that look like patient data, writes nothing, and quotes only the fact name', async () => {
      const canary = demoPatient('canary');
      const err = await store.audit
        .append(auditEvent('notification.failed', { at: T0, actor: analystActor, requestId: 'r1' }, { audience: 'requester', reason: `no chat for ${canary.sNumber}` }))
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AuditFactsRejectedError);
      for (const m of CANARY_MARKERS) expect((err as Error).message).not.toContain(m);
      expect(await redis.exists(`${prefix}:audit`, `${prefix}:audit:r1`)).toBe(0);
      // ...including as part of a transition: the status does not change either.
      const { id } = await store.requests.create({ request: importRequest(), requester: clinician.aadObjectId, actor: requesterActor, at: T0 });
      await expect(store.requests.transition(id, 'logged', { actor: analystActor, at: T0, reason: `logged for ${canary.nhsNumber}` })).rejects.toBeInstanceOf(AuditFactsRejectedError);
      expect((await store.requests.getSummary(id))?.status).toBe('submitted');
    });
  });

  describe('IdempotencyKeys', () => {
    it('lets one of three concurrent deliveries claim a key; the others see it pending, then the settled outcome', async () => {
      const claims = await Promise.all([1, 2, 3].map(() => store.idempotency.claim('submit:activity-9', 60)));
      expect(claims.filter((c) => c.claimed)).toHaveLength(1);
      expect(claims.filter((c) => !c.claimed)).toEqual([{ claimed: false }, { claimed: false }]);
      await store.idempotency.settle('submit:activity-9', 'request-123');
      expect(await store.idempotency.claim('submit:activity-9', 60)).toEqual({ claimed: false, outcome: 'request-123' });
      const ttl = await redis.ttl(`${prefix}:idempotency:claim:submit:activity-9`);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(60);
    });

    it('gives a failed claim back for the next delivery, but never a settled one', async () => {
      expect(await store.idempotency.claim('k', 60)).toEqual({ claimed: true });
      await store.idempotency.release('k');
      expect(await store.idempotency.claim('k', 60)).toEqual({ claimed: true });
      await store.idempotency.settle('k', 'done');
      await store.idempotency.release('k');
      expect(await store.idempotency.claim('k', 60)).toEqual({ claimed: false, outcome: 'done' });
    });

    it('forgets a key after its TTL, so a much later delivery is new work', async () => {
      expect(await store.idempotency.claim('short', 1)).toEqual({ claimed: true });
      await new Promise((r) => setTimeout(r, 1100));
      expect(await store.idempotency.claim('short', 1)).toEqual({ claimed: true });
    });
  });

  describe('ConversationReferences', () => {
    const personal: StoredConversationReference = {
      activityId: 'f:123',
      bot: { id: '28:bot-app-id', name: 'Imaging Transfer Bot' },
      user: { id: '29:1clinician', aadObjectId: clinician.aadObjectId, name: clinician.displayName },
      conversation: { id: 'a:1personal-chat', conversationType: 'personal', tenantId: 'a1b47b06-034e-428d-9de7-0363fbad8ca4' },
      channelId: 'msteams',
      locale: 'en-GB',
      serviceUrl: 'https://smba.trafficmanager.net/uk/',
    };
    const channel: StoredConversationReference = {
      bot: { id: '28:bot-app-id', name: 'Imaging Transfer Bot' },
      conversation: { id: '19:servicedesk@thread.tacv2', conversationType: 'channel', isGroup: true },
      channelId: 'msteams',
      serviceUrl: 'https://smba.trafficmanager.net/uk/',
    };

    it('keeps a user\'s and a channel\'s reference as plain JSON, also by conversation id, every property intact', async () => {
      await store.conversations.saveForUser(clinician.aadObjectId, personal);
      await store.conversations.saveForChannel(channel);
      expect(await store.conversations.getForUser(clinician.aadObjectId)).toEqual(personal);
      expect(await store.conversations.getForChannel()).toEqual(channel);
      expect(await store.conversations.getByConversationId('a:1personal-chat')).toEqual(personal);
      expect(await store.conversations.getByConversationId('19:servicedesk@thread.tacv2')).toEqual(channel);
      expect(JSON.parse((await redis.get(`${prefix}:conversation:user:${clinician.aadObjectId}`))!)).toEqual(personal);
      expect(await store.conversations.getForUser('never-talked')).toBeUndefined();
      await store.conversations.forgetUser(clinician.aadObjectId);
      expect(await store.conversations.getForUser(clinician.aadObjectId)).toBeUndefined();
    });

    it('does not re-write the same reference within 30 s, but always writes a changed one, and again after forgetUser', async () => {
      const key = `${prefix}:conversation:user:${clinician.aadObjectId}`;
      await store.conversations.saveForUser(clinician.aadObjectId, personal);
      // Deleted behind the store's back (as a Redis restart could lose it): the same reference again is not written...
      await redis.del(key);
      await store.conversations.saveForUser(clinician.aadObjectId, { ...personal });
      expect(await redis.get(key)).toBeNull();
      // ...but any change is: the 403 mark the proactive sender records, and the fresh reference that clears it.
      const marked = { ...personal, undeliverable: { status: 403, at: T0.toISOString() } } as StoredConversationReference;
      await store.conversations.saveForUser(clinician.aadObjectId, marked);
      expect(await store.conversations.getForUser(clinician.aadObjectId)).toEqual(marked);
      await store.conversations.saveForUser(clinician.aadObjectId, personal);
      expect(await store.conversations.getForUser(clinician.aadObjectId)).toEqual(personal);
      // forgetUser forgets what was written: the next save writes.
      await store.conversations.forgetUser(clinician.aadObjectId);
      await store.conversations.saveForUser(clinician.aadObjectId, personal);
      expect(await store.conversations.getForUser(clinician.aadObjectId)).toEqual(personal);
      // Another store (another bot process) knows nothing of this one's writes: it writes.
      await redis.del(key);
      await storeFor(redis, prefix, [freshKey('keyA')]).conversations.saveForUser(clinician.aadObjectId, personal);
      expect(await store.conversations.getForUser(clinician.aadObjectId)).toEqual(personal);
    });

    it('writes the same reference again once 30 s have passed (a copy lost by Redis comes back)', async () => {
      const key = `${prefix}:conversation:user:${clinician.aadObjectId}`;
      const shortMemory = new ConversationReferences(redis, new StoreKeys(prefix), { unchangedRewriteMs: 50 });
      await shortMemory.saveForUser(clinician.aadObjectId, personal);
      await redis.del(key);
      await new Promise((r) => setTimeout(r, 80));
      await shortMemory.saveForUser(clinician.aadObjectId, personal);
      expect(JSON.parse((await redis.get(key))!)).toEqual(personal);
    });

    it('refuses to save a reference without conversation id or service URL, and reports a damaged one as corrupt', async () => {
      const { serviceUrl: _s, ...noServiceUrl } = personal;
      const err = await store.conversations.saveForUser('u1', noServiceUrl as StoredConversationReference).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InvalidStoreInputError);
      expect((err as InvalidStoreInputError).problems).toEqual([expect.stringMatching(/^serviceUrl: /)]);
      expect(await store.conversations.getForUser('u1')).toBeUndefined();
      await redis.set(`${prefix}:conversation:user:u2`, '{"channelId":"msteams"}');
      await expect(store.conversations.getForUser('u2')).rejects.toBeInstanceOf(CorruptRecordError);
    });
  });
});

describe('the store when Redis is down', () => {
  it('fails fast with a retryable StoreUnavailableError and no patient data in the message', async () => {
    const port = await closedPort();
    const redis = new Redis({ host: '127.0.0.1', port, lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => null });
    redis.on('error', () => undefined);
    const store = storeFor(redis, testPrefix('down'), [freshKey('keyA')]);
    const attempts = [
      () => store.requests.create({ request: importRequest(), requester: clinician.aadObjectId, actor: requesterActor, at: T0 }),
      () => store.requests.get('r1'),
      () => store.requests.transition('r1', 'logged', { actor: analystActor, at: T0, reason: 'logged' }),
      () => store.audit.readGlobal(),
      () => store.idempotency.claim('k'),
      () => store.conversations.getForChannel(),
    ];
    for (const attempt of attempts) {
      const err = await attempt().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StoreUnavailableError);
      expect((err as StoreError).retryable).toBe(true);
      expect((err as Error).message).toMatch(/^Redis could not /);
      for (const m of CANARY_MARKERS) expect(`${(err as Error).message} ${JSON.stringify(err)}`).not.toContain(m);
    }
    redis.disconnect();
  });
});
