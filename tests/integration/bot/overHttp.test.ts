import { startBot, type RunningBot } from '../../../bot/app';
import { submitRequest, type AcceptedRequest } from '../../../app';
import { startPasSandbox, type PasSandbox } from '../../../sandbox/pas/pasSandbox';
import { ConnectorStub } from '../../support/connectorStub';
import { postActivity } from '../../support/activities';
import { testConfig } from '../../support/config';
import { capturingLogger } from '../../support/logCapture';
import { uniquePrefix } from '../../support/services';
import { clinician } from '../app/actors';
import { RecordingFlowStarter } from '../app/appHarness';
import { formValues } from '../app/forms';
import { CHANNEL_ID, TEAM_ID, TENANT, channelSubmit, personal } from './botHarness';

/**
 * The whole bot process over HTTP (restify + CloudAdapter + the conversation wiring + the notify worker), with a
 * connector stub as Teams: team membership through TeamsInfo.getTeamMember, a card action answered in place, and the
 * approval card reaching the channel through the notify worker.
 */
function suite(title: string, withNotifyWorker: boolean, body: (ctx: { bot: () => RunningBot; connector: () => ConnectorStub; serviceUrl: () => string; flows: RecordingFlowStarter; log: ReturnType<typeof capturingLogger>; newRequest: (key: string) => Promise<AcceptedRequest> }) => void) {
 describe(title, () => {
  let bot: RunningBot;
  let connector: ConnectorStub;
  let serviceUrl: string;
  let pas: PasSandbox;
  const flows = new RecordingFlowStarter();
  const log = capturingLogger();

  beforeAll(async () => {
    connector = new ConnectorStub();
    serviceUrl = await connector.start();
    pas = await startPasSandbox();
    const config = testConfig({
      REDIS_PREFIX: uniquePrefix('http'),
      ALLOWED_TENANT_ID: TENANT,
      SERVICE_DESK_TEAM_ID: TEAM_ID,
      SERVICE_DESK_CHANNEL_ID: CHANNEL_ID,
      APPROVER_AAD_OBJECT_IDS: '',
      PAS_FHIR_BASE_URL: pas.baseUrl,
    });
    bot = await startBot(config, log.logger, { port: 0, conversation: { flows, now: () => new Date('2026-03-11T10:00:00Z'), notifyWorker: withNotifyWorker } });
  });
  afterAll(async () => {
    await bot.close();
    await pas.close();
    await connector.stop();
  });

  async function newRequest(key: string): Promise<AcceptedRequest> {
    const out = await submitRequest(bot.conversation.wiring.services.app, clinician, 'import', formValues('personal-submit-import'), key);
    if (out.outcome !== 'accepted') throw new Error(JSON.stringify(out));
    return out;
  }
  body({ bot: () => bot, connector: () => connector, serviceUrl: () => serviceUrl, flows, log, newRequest });
 });
}

suite('the bot over real HTTP: roles and card actions (no notify worker)', false, ({ bot: b, connector: c, serviceUrl: u, flows, newRequest }) => {
  let bot: RunningBot;
  let connector: ConnectorStub;
  let serviceUrl: string;
  beforeAll(() => {
    bot = b();
    connector = c();
    serviceUrl = u();
  });

  it('a member of the service-desk team (asked of Teams with getTeamMember) approves; the card is updated in place', async () => {
    const req = await newRequest('http-1');
    const before = connector.received.length;
    const member = { aadObjectId: '7a7a7a7a-0000-4000-8000-000000000001', roles: [], displayName: 'Team Member' };
    // Teams answers GET .../members/{id} with 200 and the member (the stub's default 201 is what a POST gets).
    connector.nextStatuses.push(200);
    const res = await postActivity(bot.url, { ...channelSubmit(member, { verb: 'approve', requestId: req.requestId, callRef: req.callRef }, 'approval-card-9'), serviceUrl });
    expect(res.status).toBe(200);
    const got = (await connector.waitFor(before + 2)).slice(before);
    expect(got.find((r) => r.method === 'GET')).toMatchObject({ method: 'GET', path: `/v3/conversations/${encodeURIComponent(TEAM_ID)}/members/${encodeURIComponent('29:7a7a7a7a-0000-4000-8000-000000000001')}` });
    const put = got.find((r) => r.method === 'PUT');
    expect(put!.path).toBe(`/v3/conversations/${encodeURIComponent(`${CHANNEL_ID};messageid=1773224300001`)}/activities/approval-card-9`);
    expect(JSON.stringify(put!.body)).toMatch(/Approved by Team Member/);
    expect(flows.started).toContainEqual({ requestId: req.requestId, lane: 'standard' });
  });

  it('someone Teams says is not a member (404) is refused with the kind card, and nothing changes', async () => {
    const req = await newRequest('http-2');
    const before = connector.received.length;
    connector.nextStatuses.push(404);
    const stranger = { aadObjectId: '7a7a7a7a-0000-4000-8000-000000000002', roles: [], displayName: 'Not A Member' };
    await postActivity(bot.url, { ...channelSubmit(stranger, { verb: 'approve', requestId: req.requestId, callRef: req.callRef }), serviceUrl });
    const [reply] = (await connector.waitFor(before + 1)).slice(before);
    expect(reply!.method).toBe('POST');
    expect(JSON.stringify(reply!.body)).toMatch(/Sorry, you can't approve this request/);
    expect((await bot.conversation.wiring.services.app.store.requests.getSummary(req.requestId))!.status).toBe('awaitingApproval');
  });

});

suite('the bot over real HTTP: notifications and references (notify worker running)', true, ({ bot: b, connector: c, serviceUrl: u, log, newRequest }) => {
  let bot: RunningBot;
  let connector: ConnectorStub;
  let serviceUrl: string;
  beforeAll(() => {
    bot = b();
    connector = c();
    serviceUrl = u();
  });

  it('a channel message stores the channel reference; the notify worker then posts the approval card there', async () => {
    await postActivity(bot.url, { ...channelSubmit({ aadObjectId: '7a7a7a7a-0000-4000-8000-000000000003', roles: [], displayName: 'Someone' }, { verb: 'openHelp' }), serviceUrl });
    const before = connector.received.length;
    const req = await newRequest('http-3');
    const deadline = Date.now() + 8000;
    let card;
    while (!card && Date.now() < deadline) {
      card = connector.received.slice(before).find((r) => r.method === 'POST' && JSON.stringify(r.body).includes(`Approval needed: ${req.callRef}`));
      if (!card) await new Promise((r) => setTimeout(r, 50));
    }
    expect(card?.path).toMatch(new RegExp(`^/v3/conversations/${encodeURIComponent(CHANNEL_ID)}/activities`));
    expect(JSON.stringify(card?.body)).not.toMatch(/Hartwell|S1234567|9992345675/i);
  });

  it('a personal message stores the user reference and the canary patient never reaches the log', async () => {
    await postActivity(bot.url, { ...personal(clinician, { value: formValues('personal-submit-import', { formId: 'canary-form', familyName: 'Quillfeather-Canary' }), replyToId: 'f' }), serviceUrl });
    await new Promise((r) => setTimeout(r, 500));
    expect(await bot.conversation.wiring.services.app.store.conversations.getForUser(clinician.aadObjectId)).toMatchObject({ serviceUrl });
    expect(log.output()).not.toMatch(/QUILLFEATHER|Quillfeather|S1234567|9992345675|Hartwell/i);
  });
});
