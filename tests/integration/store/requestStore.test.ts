import type { Redis } from 'ioredis';
import { IllegalTransitionError, type CallRef } from '../../../domain';
import {
  ConflictError,
  IdempotencyKeyReusedError,
  IdentifiersPurgedError,
  InvalidChangeError,
  InvalidStoreInputError,
  RequestAlreadyExistsError,
  RequestNotFoundError,
  type Store,
} from '../../../store';
import { analystActor, clinician, exportRequest, importRequest, patientOf, requesterActor, systemActor, traumaRequest } from './requestFixtures';
import { connect, dropPrefix, freshKey, storeFor, testPrefix } from './storeHarness';

const T0 = new Date('2026-03-10T10:00:00.000Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
const callRef = 'ITB-2026-000042' as CallRef;

describe('RequestStore on real Redis', () => {
  let redis: Redis;
  let prefix: string;
  let store: Store;

  beforeAll(() => {
    redis = connect();
  });
  beforeEach(() => {
    prefix = testPrefix('req');
    store = storeFor(redis, prefix, [freshKey('keyA')]);
  });
  afterEach(async () => {
    await dropPrefix(redis, prefix);
  });
  afterAll(async () => {
    await redis.quit();
  });

  const create = (over: Partial<Parameters<Store['requests']['create']>[0]> = {}) =>
    store.requests.create({ request: importRequest(), requester: clinician.aadObjectId, actor: requesterActor, at: T0, ...over });

  it('creates a request in "submitted", reads it back decrypted, and audits the submission without patient data', async () => {
    const { id, version, created, written } = await create();
    expect({ version, created }).toEqual({ version: 1, created: true });
    // What create answers with is the record as stored, field for field.
    expect(written).toEqual({ summary: await store.requests.getSummary(id), historyLength: 0 });
    const stored = await store.requests.get(id);
    expect(stored).toEqual({
      id,
      kind: 'import',
      status: 'submitted',
      version: 1,
      lane: 'standard',
      priority: 'standard',
      requiredBy: '2026-03-20',
      organisation: 'Kettering General Hospital NHS Foundation Trust',
      examCount: 2,
      requester: clinician.aadObjectId,
      createdAt: T0.toISOString(),
      updatedAt: T0.toISOString(),
      statusSince: T0.toISOString(),
      request: importRequest(),
      history: [],
    });
    expect(await redis.hget(`${prefix}:request:${id}`, 'body')).toMatch(/^v1\.keyA\./);
    const audit = await store.audit.readForRequest(id);
    expect(audit.map((a) => a.event)).toEqual([
      { type: 'request.submitted', at: T0.toISOString(), actor: requesterActor, requestId: id, facts: { kind: 'import', lane: 'standard', examCount: 2 } },
    ]);
    expect((await store.audit.readGlobal()).map((a) => a.event)).toEqual(audit.map((a) => a.event));
    expect((await store.requests.listByRequester(clinician.aadObjectId)).map((s) => s.id)).toEqual([id]);
    expect(await store.requests.listByStatus('submitted')).toEqual([{ id, since: T0 }]);
    expect(await store.requests.get('no-such-id')).toBeUndefined();
  });

  it('creates once when the same card submission is delivered three times at once (idempotency key)', async () => {
    const outcomes = await Promise.all([1, 2, 3].map(() => create({ idempotencyKey: 'activity-abc' })));
    expect(outcomes.filter((o) => o.created)).toHaveLength(1);
    expect(new Set(outcomes.map((o) => o.id)).size).toBe(1);
    expect(await store.requests.listByRequester(clinician.aadObjectId)).toHaveLength(1);
    expect(await store.audit.readGlobal()).toHaveLength(1);
    await expect(create({ id: outcomes[0]!.id })).rejects.toBeInstanceOf(RequestAlreadyExistsError);
  });

  it('refuses ids that are not plain tokens and a missing requester, writing nothing', async () => {
    for (const over of [{ id: 'has space' }, { id: 'a'.repeat(129) }, { id: '*' }, { requester: ' ' }]) {
      const err = await create(over).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InvalidStoreInputError);
      expect((err as InvalidStoreInputError).retryable).toBe(false);
    }
    expect(await redis.exists(`${prefix}:requests:all`, `${prefix}:audit`)).toBe(0);
    expect((await create({ id: 'req-2026.03_10:1' })).created).toBe(true);
  });

  it('lists "my requests" newest first and only the requester\'s own', async () => {
    const first = await create({ at: at(1) });
    const second = await create({ at: at(2), request: exportRequest() });
    await create({ at: at(3), requester: 'someone-else' });
    const mine = await store.requests.listByRequester(clinician.aadObjectId);
    expect(mine.map((s) => [s.id, s.kind])).toEqual([
      [second.id, 'export'],
      [first.id, 'import'],
    ]);
    expect(await store.requests.listByRequester(clinician.aadObjectId, { offset: 1, limit: 5 })).toHaveLength(1);
  });

  it('updates with the version read, and refuses a stale version with ConflictError, changing nothing', async () => {
    const { id } = await create();
    expect(await store.requests.update(id, 1, { at: at(1), callRef })).toEqual({ version: 2 });
    expect(await store.requests.findByCallRef(callRef)).toBe(id);
    const before = await redis.hgetall(`${prefix}:request:${id}`);
    const err = await store.requests.update(id, 1, { at: at(2), request: importRequest('ameliaHartwell') }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConflictError);
    expect(err).toMatchObject({ requestId: id, expectedVersion: 1, actualVersion: 2, retryable: true });
    expect(await redis.hgetall(`${prefix}:request:${id}`)).toEqual(before);
    await expect(store.requests.update('missing', 1, { at: at(3) })).rejects.toBeInstanceOf(RequestNotFoundError);
  });

  it('replaces the body, its clear facts and its patient lookup tokens on update; the kind cannot change', async () => {
    const { id } = await create();
    const canary = patientOf('canary');
    expect(await store.requests.findByPatient({ sNumber: canary.sNumber.toLowerCase() })).toEqual([id]);
    expect(await store.requests.findByPatient({ nhsNumber: canary.nhsNumber! })).toEqual([id]);
    expect(await store.requests.findByPatient({ nhsNumber: canary.nhsNumber!.replace(/(\d{3})(\d{3})(\d{4})/, '$1 $2 $3') })).toEqual([id]);
    expect(await store.requests.findByPatient({})).toEqual([]);
    const changed = importRequest('noNhsNumber', { priority: 'blueLight', priorityReason: 'blueLightEmergency', sourceOrganisation: 'Northampton General Hospital' });
    await store.requests.update(id, 1, { at: at(1), request: changed });
    const stored = await store.requests.get(id);
    expect(stored?.request).toEqual(changed);
    expect(stored).toMatchObject({ version: 2, lane: 'blueLight', priority: 'blueLight', organisation: 'Northampton General Hospital', updatedAt: at(1).toISOString() });
    expect(await store.requests.findByPatient({ sNumber: canary.sNumber, nhsNumber: canary.nhsNumber! })).toEqual([]);
    expect(await store.requests.findByPatient({ sNumber: patientOf('noNhsNumber').sNumber })).toEqual([id]);
    await expect(store.requests.update(id, 2, { at: at(2), request: exportRequest() })).rejects.toBeInstanceOf(InvalidChangeError);
  });

  it('applies lifecycle transitions with history, status index and audit, and refuses illegal ones without writing', async () => {
    const { id } = await create();
    const logged = await store.requests.transition(id, 'logged', { actor: systemActor, at: at(1), reason: 'logged with the service desk', callRef });
    expect(logged).toEqual({
      version: 2,
      replayed: false,
      transition: { requestId: id, kind: 'import', from: 'submitted', to: 'logged', at: at(1).toISOString(), by: systemActor, why: 'logged with the service desk' },
      written: { summary: expect.objectContaining({ id, status: 'logged', version: 2, callRef, statusSince: at(1).toISOString() }), historyLength: 1 },
    });
    // The record the write answers with is the record as stored, field for field (no read back on the submit path).
    expect(logged.written?.summary).toEqual(await store.requests.getSummary(id));
    await store.requests.transition(id, 'awaitingApproval', { actor: systemActor, at: at(2), reason: 'sent to the service-desk channel' });
    const versionBefore = (await store.requests.getSummary(id))!.version;
    const auditBefore = (await store.audit.readForRequest(id)).length;
    const illegal = await store.requests.transition(id, 'completed', { actor: analystActor, at: at(3), reason: 'skip' }).catch((e: unknown) => e);
    expect(illegal).toBeInstanceOf(IllegalTransitionError);
    expect((await store.requests.getSummary(id))!.version).toBe(versionBefore);
    expect(await store.audit.readForRequest(id)).toHaveLength(auditBefore);

    const stored = await store.requests.get(id);
    expect(stored).toMatchObject({ status: 'awaitingApproval', version: 3, callRef, statusSince: at(2).toISOString() });
    expect(stored?.history.map((t) => [t.from, t.to, t.at, t.why])).toEqual([
      ['submitted', 'logged', at(1).toISOString(), 'logged with the service desk'],
      ['logged', 'awaitingApproval', at(2).toISOString(), 'sent to the service-desk channel'],
    ]);
    expect(await store.requests.listByStatus('submitted')).toEqual([]);
    expect(await store.requests.listByStatus('awaitingApproval')).toEqual([{ id, since: at(2) }]);
    const events = (await store.audit.readForRequest(id)).map((a) => a.event);
    expect(events.map((e) => e.type)).toEqual(['request.submitted', 'request.statusChanged', 'request.statusChanged']);
    expect(events[1]).toEqual({
      type: 'request.statusChanged', at: at(1).toISOString(), actor: systemActor, requestId: id, callRef,
      facts: { kind: 'import', from: 'submitted', to: 'logged', why: 'logged with the service desk' },
    });
    expect(events[2]).toMatchObject({ callRef, facts: { from: 'logged', to: 'awaitingApproval' } });
  });

  it('applies an approval delivered three times once, returning the first outcome to the repeats', async () => {
    const { id } = await create();
    await store.requests.transition(id, 'logged', { actor: systemActor, at: at(1), reason: 'logged', callRef });
    await store.requests.transition(id, 'awaitingApproval', { actor: systemActor, at: at(2), reason: 'to channel' });
    const approve = (minute: number) =>
      store.requests.transition(id, 'approved', { actor: analystActor, at: at(minute), reason: 'approved', idempotencyKey: 'invoke-approve-1' });

    // Three deliveries racing (Teams retries an invoke not answered within 5 s).
    const racing = await Promise.all([approve(3), approve(4), approve(5)]);
    expect(racing.filter((o) => !o.replayed)).toHaveLength(1);
    const first = racing.find((o) => !o.replayed)!;
    for (const o of racing) expect({ transition: o.transition, version: o.version }).toEqual({ transition: first.transition, version: first.version });
    expect(first.version).toBe(4);

    // A late repeat, after the request moved on, still gets the first outcome rather than an illegal-transition error.
    await store.requests.transition(id, 'iepNew', { actor: systemActor, at: at(10), reason: 'IEP status New' });
    const late = await approve(11);
    // A replay changed nothing, so it carries no fresh summary; everything else is the first outcome.
    const { written: firstWritten, ...firstOutcome } = first;
    expect(firstWritten?.summary).toMatchObject({ status: 'approved', version: 4 });
    expect(late).toEqual({ ...firstOutcome, replayed: true });

    const stored = await store.requests.get(id);
    expect(stored?.history.filter((t) => t.to === 'approved')).toHaveLength(1);
    expect(stored?.version).toBe(5);
    const approvals = (await store.audit.readForRequest(id)).filter((a) => a.event.type === 'request.statusChanged' && a.event.facts.to === 'approved');
    expect(approvals).toHaveLength(1);
  });

  it('answers a repeat that lost the race after its key check with the winner\'s outcome, not an illegal transition', async () => {
    const key = freshKey('keyR');
    const mine = storeFor(redis, prefix, [key]);
    const { id } = await mine.requests.create({ request: importRequest(), requester: clinician.aadObjectId, actor: requesterActor, at: T0 });
    await mine.requests.transition(id, 'logged', { actor: systemActor, at: at(1), reason: 'logged', callRef });
    await mine.requests.transition(id, 'awaitingApproval', { actor: systemActor, at: at(2), reason: 'to channel' });
    const approve = (s: Store, minute: number) =>
      s.requests.transition(id, 'approved', { actor: analystActor, at: at(minute), reason: 'approved', idempotencyKey: 'invoke-approve-race' });

    // A connection that lets the other copy of the delivery finish exactly between this copy's read (the key check
    // and the record, one MULTI) and its guarded write: the window two overlapping Teams retries can hit. Real Redis
    // underneath; only the timing is forced.
    const slow = connect();
    const multi = slow.multi.bind(slow);
    let armed = true;
    let winner: Awaited<ReturnType<typeof approve>> | undefined;
    (slow as unknown as { multi: typeof slow.multi }).multi = ((...args: Parameters<typeof slow.multi>) => {
      const batch = multi(...args);
      const exec = batch.exec.bind(batch);
      batch.exec = async (...execArgs: Parameters<typeof exec>) => {
        const replies = await exec(...execArgs);
        if (armed) {
          armed = false;
          winner = await approve(mine, 3);
        }
        return replies;
      };
      return batch;
    }) as typeof slow.multi;
    try {
      const late = await approve(storeFor(slow, prefix, [key]), 4);
      expect(winner?.replayed).toBe(false);
      expect(late).toMatchObject({ replayed: true, version: winner!.version, transition: winner!.transition });
    } finally {
      await slow.quit();
    }
    expect((await mine.requests.get(id))!.history.filter((t) => t.to === 'approved')).toHaveLength(1);
  });

  it('decides a transition from the caller\'s basis without reading the record, and re-reads when the basis is stale', async () => {
    // Count the reads: a transition reads the record in one MULTI (idempotency key, hash, history length).
    const counting = connect();
    let reads = 0;
    const multi = counting.multi.bind(counting);
    (counting as unknown as { multi: typeof counting.multi }).multi = ((...args: Parameters<typeof counting.multi>) => {
      reads += 1;
      return multi(...args);
    }) as typeof counting.multi;
    const key = freshKey('keyB');
    const mine = storeFor(counting, prefix, [key]);
    // The checks read through another connection, with the same key.
    const store = storeFor(redis, prefix, [key]);
    try {
      const made = await mine.requests.create({ request: importRequest(), requester: clinician.aadObjectId, actor: requesterActor, at: T0 });
      const logged = await mine.requests.transition(made.id, 'logged', { actor: systemActor, at: at(1), reason: 'logged', callRef, basis: made.written! });
      const waiting = await mine.requests.transition(made.id, 'awaitingApproval', { actor: systemActor, at: at(2), reason: 'to channel', basis: logged.written! });
      expect(reads).toBe(0);
      expect(waiting.written).toEqual({ summary: await store.requests.getSummary(made.id), historyLength: 2 });
      expect((await store.requests.get(made.id))!.history.map((t) => [t.from, t.to])).toEqual([
        ['submitted', 'logged'],
        ['logged', 'awaitingApproval'],
      ]);

      // Someone else moves the request on: the stale basis (awaitingApproval, version 3) is refused by the guarded
      // write, the record is re-read, and the transition applies to the request as it now stands (no overwrite).
      await store.requests.transition(made.id, 'needsInformation', { actor: analystActor, at: at(3), reason: 'asked', note: 'Which scan?' });
      const cancelled = await mine.requests.transition(made.id, 'cancelled', { actor: requesterActor, at: at(4), reason: 'withdrawn', basis: waiting.written! });
      expect(reads).toBe(1);
      expect(cancelled.transition).toMatchObject({ from: 'needsInformation', to: 'cancelled' });
      expect(cancelled.written).toEqual({ summary: await store.requests.getSummary(made.id), historyLength: 4 });
      const history = (await store.requests.get(made.id))!.history;
      expect(history.map((t) => [t.from, t.to])).toEqual([
        ['submitted', 'logged'],
        ['logged', 'awaitingApproval'],
        ['awaitingApproval', 'needsInformation'],
        ['needsInformation', 'cancelled'],
      ]);
      expect(history[2]!.note).toBe('Which scan?');

      // A basis the lifecycle refuses (it says "submitted", so "approved" is illegal) is not the answer: the record is
      // read and the real status decides; and a repeat with the same key replays whatever the basis says.
      const other = await mine.requests.create({ request: importRequest(), requester: clinician.aadObjectId, actor: requesterActor, at: T0 });
      await store.requests.transition(other.id, 'logged', { actor: systemActor, at: at(1), reason: 'logged', callRef: 'ITB-2026-000043' as CallRef });
      await store.requests.transition(other.id, 'awaitingApproval', { actor: systemActor, at: at(2), reason: 'to channel' });
      const approve = () =>
        mine.requests.transition(other.id, 'approved', { actor: analystActor, at: at(3), reason: 'approved', idempotencyKey: 'basis-approve', basis: other.written! });
      const approved = await approve();
      expect(approved).toMatchObject({ replayed: false, version: 4, transition: { from: 'awaitingApproval', to: 'approved' } });
      expect(await approve()).toMatchObject({ replayed: true, version: 4, transition: approved.transition });
      expect((await store.requests.get(other.id))!.history.filter((t) => t.to === 'approved')).toHaveLength(1);
    } finally {
      await counting.quit();
    }
  });

  it('applies a chained transition (then) in the same write: two history entries, versions, audits and keys', async () => {
    const made = await create();
    const intake = await store.requests.transition(made.id, 'logged', {
      actor: systemActor,
      at: at(1),
      reason: 'logged',
      callRef,
      idempotencyKey: 'sub-1:logged',
      then: { to: 'awaitingApproval', reason: 'to channel', idempotencyKey: 'sub-1:awaitingApproval' },
      basis: made.written!,
    });
    expect(intake).toMatchObject({
      version: 2,
      replayed: false,
      transition: { from: 'submitted', to: 'logged' },
      then: { version: 3, transition: { from: 'logged', to: 'awaitingApproval', at: at(1).toISOString(), why: 'to channel' } },
      written: { historyLength: 2, summary: { status: 'awaitingApproval', version: 3, callRef } },
    });
    expect(intake.written?.summary).toEqual(await store.requests.getSummary(made.id));
    const stored = (await store.requests.get(made.id))!;
    expect(stored.history.map((t) => [t.from, t.to, t.why])).toEqual([
      ['submitted', 'logged', 'logged'],
      ['logged', 'awaitingApproval', 'to channel'],
    ]);
    expect(await store.requests.listByStatus('logged')).toEqual([]);
    expect(await store.requests.listByStatus('awaitingApproval')).toEqual([{ id: made.id, since: at(1) }]);
    const audit = (await store.audit.readForRequest(made.id)).map((e) => e.event);
    const facts = (e: (typeof audit)[number]) => e.facts as { from?: string; to?: string };
    expect(audit.map((e) => [e.type, facts(e).from ?? null, facts(e).to ?? null, e.callRef ?? null])).toEqual([
      ['request.submitted', null, null, null],
      ['request.statusChanged', 'submitted', 'logged', callRef],
      ['request.statusChanged', 'logged', 'awaitingApproval', callRef],
    ]);
    // Each step's key replays its own outcome, changing nothing.
    const again = await store.requests.transition(made.id, 'logged', { actor: systemActor, at: at(5), reason: 'logged', callRef, idempotencyKey: 'sub-1:logged' });
    expect(again).toMatchObject({ replayed: true, version: 2, transition: intake.transition });
    const step5 = await store.requests.transition(made.id, 'awaitingApproval', { actor: systemActor, at: at(5), reason: 'to channel', idempotencyKey: 'sub-1:awaitingApproval' });
    expect(step5).toMatchObject({ replayed: true, version: 3, transition: intake.then!.transition });
    expect((await store.requests.getSummary(made.id))!.version).toBe(3);

    // A chain the lifecycle forbids is refused as a bad change, and nothing is written.
    const other = await create();
    const refused = await store.requests
      .transition(other.id, 'logged', { actor: systemActor, at: at(1), reason: 'logged', then: { to: 'completed', reason: 'skip' } })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(InvalidChangeError);
    expect(await store.requests.getSummary(other.id)).toMatchObject({ status: 'submitted', version: 1 });
    expect(await store.audit.readForRequest(other.id)).toHaveLength(1);
  });

  it('refuses an idempotency key reused for another request or another target status', async () => {
    const a = await create();
    const b = await create();
    await store.requests.transition(a.id, 'logged', { actor: systemActor, at: at(1), reason: 'logged', idempotencyKey: 'k1' });
    await expect(store.requests.transition(b.id, 'logged', { actor: systemActor, at: at(1), reason: 'logged', idempotencyKey: 'k1' })).rejects.toBeInstanceOf(
      IdempotencyKeyReusedError,
    );
    await expect(store.requests.transition(a.id, 'cancelled', { actor: systemActor, at: at(1), reason: 'x', idempotencyKey: 'k1' })).rejects.toBeInstanceOf(
      IdempotencyKeyReusedError,
    );
    expect((await store.requests.getSummary(b.id))!.status).toBe('submitted');
  });

  it('re-checks the lifecycle after losing a race: approve and reject at once, one wins, the other is illegal', async () => {
    for (let trial = 0; trial < 10; trial++) {
      const { id } = await create();
      await store.requests.transition(id, 'logged', { actor: systemActor, at: at(1), reason: 'logged' });
      await store.requests.transition(id, 'awaitingApproval', { actor: systemActor, at: at(2), reason: 'to channel' });
      const results = await Promise.allSettled([
        store.requests.transition(id, 'approved', { actor: analystActor, at: at(3), reason: 'approved' }),
        store.requests.transition(id, 'rejected', { actor: analystActor, at: at(3), reason: 'rejected', note: 'duplicate of an earlier request' }),
      ]);
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      expect(lost[0]!.reason).toBeInstanceOf(IllegalTransitionError);
      const stored = await store.requests.get(id);
      expect(stored?.history).toHaveLength(3);
      expect(stored?.version).toBe(4);
    }
  });

  it('with expectedVersion, a transition fails with ConflictError instead of re-reading', async () => {
    const { id } = await create();
    await store.requests.update(id, 1, { at: at(1), callRef });
    await expect(store.requests.transition(id, 'logged', { actor: systemActor, at: at(2), reason: 'logged', expectedVersion: 1 })).rejects.toBeInstanceOf(
      ConflictError,
    );
    expect((await store.requests.transition(id, 'logged', { actor: systemActor, at: at(2), reason: 'logged', expectedVersion: 2 })).version).toBe(3);
  });

  it('seals a transition note, returns it decrypted, and queues a terminal request for retention by end time', async () => {
    const { id } = await store.requests.create({ request: traumaRequest(), requester: 'radiologist-aad', actor: requesterActor, at: T0 });
    const note = `Sent on CD instead: ${patientOf('traumaPatient').familyName}`;
    await store.requests.transition(id, 'cancelled', { actor: analystActor, at: at(5), reason: 'cancelled by analyst', note });
    const raw = await redis.hget(`${prefix}:request:${id}`, 'note:0');
    expect(raw).toMatch(/^v1\.keyA\./);
    expect(raw).not.toContain(patientOf('traumaPatient').familyName);
    const stored = await store.requests.get(id);
    expect(stored?.history[0]?.note).toBe(note);
    expect(stored).toMatchObject({ status: 'cancelled', endedAt: at(5).toISOString() });
    expect(await store.requests.listEndedBefore(at(4))).toEqual([]);
    expect(await store.requests.listEndedBefore(at(5))).toEqual([id]);
    await expect(store.requests.transition(id, 'logged', { actor: analystActor, at: at(6), reason: 'reopen' })).rejects.toBeInstanceOf(IllegalTransitionError);
  });

  it('lists a status by time entered, for timers (e.g. 2.4d: needsInformation for 14 days)', async () => {
    const ids: string[] = [];
    for (const minute of [1, 2, 3]) {
      const { id } = await create({ at: at(minute) });
      await store.requests.transition(id, 'logged', { actor: systemActor, at: at(minute), reason: 'logged' });
      await store.requests.transition(id, 'needsInformation', { actor: analystActor, at: at(minute * 10), reason: 'exam dates missing' });
      ids.push(id);
    }
    expect(await store.requests.listByStatus('needsInformation', { enteredBefore: at(30) })).toEqual([
      { id: ids[0], since: at(10) },
      { id: ids[1], since: at(20) },
    ]);
    expect(await store.requests.listByStatus('needsInformation', { limit: 1 })).toEqual([{ id: ids[0], since: at(10) }]);
  });

  it('refuses to change the body of a purged request', async () => {
    const { id } = await create();
    await store.requests.transition(id, 'cancelled', { actor: requesterActor, at: at(1), reason: 'cancelled by requester' });
    expect(await store.requests.purgeIdentifiers(id, { at: at(2), actor: systemActor, retentionDays: 30 })).toBe('purged');
    await expect(store.requests.update(id, 3, { at: at(3), request: importRequest() })).rejects.toBeInstanceOf(IdentifiersPurgedError);
  });
});
