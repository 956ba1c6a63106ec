import fc from 'fast-check';
import type { Activity } from 'botbuilder';
import { askForInformation, approve, submitRequest, type AcceptedRequest, type AppActor } from '../../app';
import { ItbBot } from '../../bot/itbBot';
import { RoleResolver } from '../../bot/roles';
import { analyst, clinician, nonApprover, radiologist, secondClinician } from '../integration/app/actors';
import { formValues, traumaValues } from '../integration/app/forms';
import { CHANNEL_ID, fixture, startBotHarness, TEAM_ID, TENANT, type BotHarness } from '../integration/bot/botHarness';
import { changedKeys, snapshotPrefix, type RedisSnapshot } from '../integration/security/redisState';
import { capturingLogger } from '../support/logCapture';

jest.setTimeout(300_000);

/**
 * Authorisation fuzz (issue 9): 1,000 generated approval, cancel and trauma actions, each carrying the wrong user,
 * tampered ids inside the card data, the wrong conversation or channel, or another tenant, run through the bot's real
 * activity handler (ItbBot.run over botbuilder's TestAdapter) against the run's real Redis. Afterwards not one
 * request, history, index, call-reference, idempotency, desk or queue key may differ, no flow may have started and no
 * one may have been told anything; every denial of a person in our tenant must be in the audit stream as
 * access.denied, and every activity from another tenant must be refused at the edge (logged: it carries no identity
 * of ours to audit).
 */

const OTHER_TENANT = '99999999-0000-4000-8000-000000000000';
const FOREIGN_TEAM = '19:someone-elses-team@thread.tacv2';
const FOREIGN_CHANNEL = '19:someone-elses-channel@thread.tacv2';

/**
 * Keys that every activity may legitimately touch, whoever sends it: where to reach a user (conversation references),
 * their Teams display name, the audit streams (denials are written there: that is the point) and Teams' per-
 * conversation rate limiter. Anything else changing is an unauthorised state change.
 */
const BOOKKEEPING = [/:conversation:/, /:teams:staffNames$/, /:audit(:|$)/, /:ratelimit:/i];
const isState = (key: string) => !BOOKKEEPING.some((re) => re.test(key));

type Verb = 'approve' | 'reject' | 'askForInformation' | 'reprocess' | 'confirmCancel' | 'answerInformation' | 'submitTrauma' | 'openTrauma' | 'traumaFindPatient';
type Where = 'deskChannel' | 'foreignChannel' | 'personal' | 'webchat';

interface Target {
  name: string;
  req: AcceptedRequest;
  owner: AppActor;
  kind: 'import' | 'trauma';
}

interface Attempt {
  verb: Verb;
  actor: AppActor;
  /** The request whose id rides in the card data (undefined for the trauma forms). */
  target?: Target;
  /** The call reference put beside it: sometimes another request's (tampered). */
  callRefOf?: Target;
  /** Extra fields a forger might add hoping the bot trusts them. */
  forged: Record<string, unknown>;
  where: Where;
  invoke: boolean;
  otherTenant: boolean;
}

const everyone = [clinician, secondClinician, nonApprover, radiologist, analyst];
const isAnalyst = (a: AppActor) => a.roles.includes('analyst');
const isRadiologist = (a: AppActor) => a.roles.includes('radiologist');

/** True when `actor` may NOT do `verb` on `target`, judged from the rules in app/ (the oracle the fuzz relies on). */
function unauthorised(verb: Verb, actor: AppActor, target?: Target): boolean {
  switch (verb) {
    case 'approve':
    case 'reject':
    case 'askForInformation':
      return !isAnalyst(actor);
    case 'reprocess':
      return !isAnalyst(actor) && !(target?.kind === 'trauma' && isRadiologist(actor));
    case 'confirmCancel':
      // The owner too late to cancel is told "not now" (no denial): only strangers count here.
      return !isAnalyst(actor) && target?.owner.aadObjectId !== actor.aadObjectId;
    case 'answerInformation':
      return target?.owner.aadObjectId !== actor.aadObjectId;
    case 'submitTrauma':
    case 'openTrauma':
    case 'traumaFindPatient':
      return !isRadiologist(actor);
  }
}

const TEAMS_IDS: Record<string, string> = {
  [clinician.aadObjectId]: '29:1Hq3Zs9a7vR0example-personal-user-id-AbCdEf',
  [secondClinician.aadObjectId]: '29:second-clinician',
  [analyst.aadObjectId]: '29:1Bm8example-analyst-user-id-QrStUv',
  [radiologist.aadObjectId]: '29:radiologist',
  [nonApprover.aadObjectId]: '29:non-approver',
};

let seq = 0;
/** The Teams activity for an attempt: Action.Submit (a message with value) or Action.Execute (an invoke). */
function activityOf(a: Attempt): Record<string, unknown> {
  const base = fixture(a.invoke ? 'channel-invoke-approve' : 'channel-submit-approve');
  const id = `fuzz-${process.pid}-${++seq}`;
  const data: Record<string, unknown> = { ...a.forged };
  if (a.target) data.requestId = a.target.req.requestId;
  if (a.callRefOf) data.callRef = a.callRefOf.req.callRef;
  if (a.verb === 'reject') data.reason = 'Not clinically justified';
  if (a.verb === 'askForInformation') data.question = 'Which exam?';
  if (a.verb === 'answerInformation') data.answer = 'The CT head';
  if (a.verb === 'submitTrauma' || a.verb === 'traumaFindPatient') Object.assign(data, traumaValues());
  data.formId = `form-${seq}`;
  const tenant = a.otherTenant ? OTHER_TENANT : TENANT;
  const conversation =
    a.where === 'personal'
      ? { conversationType: 'personal', tenantId: tenant, id: `a:personal-${a.actor.aadObjectId}` }
      : a.where === 'foreignChannel'
        ? { isGroup: true, conversationType: 'channel', tenantId: tenant, id: `${FOREIGN_CHANNEL};messageid=1` }
        : { isGroup: true, conversationType: 'channel', tenantId: tenant, id: `${CHANNEL_ID};messageid=1773224300001` };
  const channelData =
    a.where === 'personal' ? { tenant: { id: tenant } }
      : a.where === 'foreignChannel' ? { tenant: { id: tenant }, team: { id: FOREIGN_TEAM }, channel: { id: FOREIGN_CHANNEL } }
        : { tenant: { id: tenant }, team: { id: TEAM_ID }, channel: { id: CHANNEL_ID } };
  const value = a.invoke
    ? { action: { type: 'Action.Execute', title: a.verb, verb: a.verb, data }, trigger: 'manual' }
    : { verb: a.verb, ...data };
  return {
    ...base,
    id,
    channelId: a.where === 'webchat' ? 'webchat' : 'msteams',
    from: { id: TEAMS_IDS[a.actor.aadObjectId] ?? `29:${a.actor.aadObjectId}`, name: a.actor.displayName, aadObjectId: a.actor.aadObjectId },
    conversation,
    channelData,
    value,
    replyToId: `card-${seq}`,
  };
}

describe('authorisation fuzz: 1,000 forged approval, cancel and trauma actions through the bot', () => {
  let h: BotHarness;
  let bot: ItbBot;
  let log: ReturnType<typeof capturingLogger>;
  const targets: Target[] = [];

  beforeAll(async () => {
    h = await startBotHarness('authfuzz');
    log = capturingLogger('info');
    const roles = new RoleResolver(
      { approverAadObjectIds: [analyst.aadObjectId], serviceDeskTeamId: TEAM_ID, serviceDeskChannelId: CHANNEL_ID, oncallRadiologistAadObjectIds: [radiologist.aadObjectId], cacheSeconds: 60 },
      log.logger,
      async () => false,
    );
    bot = new ItbBot({
      allowedTenantId: TENANT,
      logger: log.logger,
      conversation: { services: { app: h.deps, postedCards: h.postedCards, sender: h.sender, staffNames: h.staffNames, logger: log.logger }, roles, channel: { serviceDeskTeamId: TEAM_ID, serviceDeskChannelId: CHANNEL_ID } },
    });
    const submit = async (who: AppActor, kind: 'import' | 'trauma', name: string): Promise<Target> => {
      const out = await submitRequest(h.deps, who, kind, kind === 'trauma' ? traumaValues() : formValues('personal-submit-import'), `setup-${name}`);
      if (out.outcome !== 'accepted') throw new Error(`setup ${name}: ${JSON.stringify(out)}`);
      return { name, req: out, owner: who, kind };
    };
    // Requests in the states the verbs act on: waiting for approval (two owners), asked a question, approved, trauma.
    targets.push(await submit(clinician, 'import', 'awaiting-1'));
    targets.push(await submit(secondClinician, 'import', 'awaiting-2'));
    const asked = await submit(clinician, 'import', 'needsInfo');
    expect((await askForInformation(h.deps, analyst, asked.req.requestId, 'Which exam?', 'setup-ask')).outcome).toBe('done');
    targets.push(asked);
    const approved = await submit(secondClinician, 'import', 'approved');
    expect((await approve(h.deps, analyst, approved.req.requestId, 'setup-approve')).outcome).toBe('done');
    targets.push(approved);
    targets.push(await submit(radiologist, 'trauma', 'trauma'));
  });
  afterAll(async () => {
    await h?.close();
  });

  /** Attempts the oracle says must be refused: the wrong user on a real request, or anyone from another tenant. */
  const attempt = (): fc.Arbitrary<Attempt> =>
    fc
      .record({
        verb: fc.constantFrom<Verb>('approve', 'reject', 'askForInformation', 'reprocess', 'confirmCancel', 'answerInformation', 'submitTrauma', 'openTrauma', 'traumaFindPatient'),
        actor: fc.constantFrom(...everyone),
        target: fc.nat(targets.length - 1),
        callRefOf: fc.option(fc.nat(targets.length - 1), { nil: undefined }),
        forged: fc.subarray([
          ['requester', analyst.aadObjectId],
          ['aadObjectId', analyst.aadObjectId],
          ['roles', ['analyst', 'radiologist']],
          ['actor', { aadObjectId: analyst.aadObjectId, roles: ['analyst'] }],
          ['tenantId', TENANT],
          ['status', 'approved'],
        ] as Array<[string, unknown]>),
        where: fc.constantFrom<Where>('deskChannel', 'foreignChannel', 'personal', 'webchat'),
        invoke: fc.boolean(),
        otherTenant: fc.integer({ min: 0, max: 9 }).map((n) => n < 2),
      })
      .map((r): Attempt => {
        const target = ['submitTrauma', 'openTrauma', 'traumaFindPatient'].includes(r.verb) ? undefined : targets[r.target]!;
        return { ...r, target, callRefOf: target ? targets[r.callRefOf ?? r.target]! : undefined, forged: Object.fromEntries(r.forged) };
      })
      .filter((a) => a.otherTenant || unauthorised(a.verb, a.actor, a.target));

  it('0 unauthorised state changes; every denial audited (tenant refusals logged at the edge)', async () => {
    const before: RedisSnapshot = await snapshotPrefix(h.redis, h.prefix);
    const flowsBefore = h.flows.started.length;
    const noticesBefore = h.notifier.requester.length + h.notifier.channel.length + h.notifier.refreshes.length;
    const auditKey = `${h.prefix}:audit`;
    const samples = fc.sample(attempt(), { numRuns: 1000, seed: 9009 });
    const counts = { attempts: 0, inTenant: 0, otherTenant: 0, audited: 0, tenantLogged: 0, answeredAsRefusal: 0, stateChanges: 0 };
    const unaudited: string[] = [];
    for (const a of samples) {
      counts.attempts++;
      const auditBefore = await h.redis.xlen(auditKey);
      const tenantLogsBefore = (log.output().match(/activity from another tenant refused/g) ?? []).length;
      const sent: Array<Partial<Activity>> = [];
      const updatesBefore = h.adapter.updates.length;
      const queued = h.adapter.activeQueue.length;
      await h.adapter.processActivity(activityOf(a) as Partial<Activity>, (context) => bot.run(context));
      sent.push(...h.adapter.activeQueue.slice(queued));
      const auditAfter = await h.redis.xlen(auditKey);
      if (a.otherTenant) {
        counts.otherTenant++;
        const logged = (log.output().match(/activity from another tenant refused/g) ?? []).length - tenantLogsBefore;
        if (logged === 1) counts.tenantLogged++;
        else unaudited.push(`${a.verb} from another tenant not logged`);
        // Refused before anything is read or written: not even the audit stream.
        expect(auditAfter).toBe(auditBefore);
      } else {
        counts.inTenant++;
        const denied = await h.redis.xrevrange(auditKey, '+', '-', 'COUNT', Math.max(1, auditAfter - auditBefore));
        const ok = auditAfter - auditBefore === 1 && denied.some(([, fields]) => fields.join(' ').includes('access.denied'));
        if (ok) counts.audited++;
        else unaudited.push(`${a.verb} by ${a.actor.displayName} on ${a.target?.name ?? '-'} (${a.where}, ${a.invoke ? 'invoke' : 'submit'}): ${auditAfter - auditBefore} audit events`);
      }
      // The person was told no: a 4xx invoke answer, or a refusal message/card; never a card updated in place.
      const invokeAnswer = sent.find((s) => s.type === 'invokeResponse')?.value as { status?: number; body?: { statusCode?: number } } | undefined;
      const updated = h.adapter.updates.length - updatesBefore;
      const refused = a.invoke ? (invokeAnswer?.status ?? 0) >= 400 || (invokeAnswer?.body?.statusCode ?? 0) >= 400 : updated === 0;
      // Another tenant's Action.Submit is answered with silence (nothing useful to a stranger); ours get the refusal.
      if (refused && updated === 0 && (a.invoke || a.otherTenant || sent.length > 0)) counts.answeredAsRefusal++;
    }
    h.adapter.activeQueue.length = 0;
    const after = await snapshotPrefix(h.redis, h.prefix);
    const changed = changedKeys(before, after).filter(isState);
    counts.stateChanges = changed.length + (h.flows.started.length - flowsBefore) + (h.notifier.requester.length + h.notifier.channel.length + h.notifier.refreshes.length - noticesBefore);
    console.log(
      `AUTHORISATION FUZZ: ${counts.attempts} forged actions (${counts.inTenant} in-tenant wrong user / tampered ids / wrong channel, ${counts.otherTenant} another tenant); ` +
        `${counts.stateChanges} unauthorised state changes; ${counts.audited}/${counts.inTenant} denials audited as access.denied; ` +
        `${counts.tenantLogged}/${counts.otherTenant} other-tenant refusals logged; ${counts.answeredAsRefusal}/${counts.attempts} answered as refusals`,
    );
    expect(counts.attempts).toBe(1000);
    expect(changed).toEqual([]);
    expect(h.flows.started.length).toBe(flowsBefore);
    expect(counts.stateChanges).toBe(0);
    expect(unaudited).toEqual([]);
    expect(counts.audited).toBe(counts.inTenant);
    expect(counts.tenantLogged).toBe(counts.otherTenant);
    expect(counts.answeredAsRefusal).toBe(counts.attempts);
    // The statuses are what setup left.
    const statuses = await Promise.all(targets.map(async (t) => `${t.name}:${(await h.store.requests.getSummary(t.req.requestId))!.status}`));
    expect(statuses).toEqual(['awaiting-1:awaitingApproval', 'awaiting-2:awaitingApproval', 'needsInfo:needsInformation', 'approved:approved', 'trauma:logged']);
  });
});
