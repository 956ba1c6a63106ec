import { TestAdapter, TurnContext, type Activity } from 'botbuilder';
import { RoleResolver } from '../../../bot/roles';
import { createLogger } from '../../../config/logger';

const TEAM = '19:desk-team@thread.tacv2';
const logger = createLogger({ level: 'silent' });
const settings = { approverAadObjectIds: ['aaaaaaaa-0000-0000-0000-000000000001'], serviceDeskTeamId: TEAM, serviceDeskChannelId: '19:c', oncallRadiologistAadObjectIds: ['bbbbbbbb-0000-0000-0000-000000000002'], cacheSeconds: 300 };

function contextFrom(from: Partial<Activity['from']>): TurnContext {
  return new TurnContext(new TestAdapter(), { type: 'message', from: from as Activity['from'], conversation: { id: 'c' } as never, channelId: 'msteams' });
}

describe('roles from Teams identity', () => {
  it('everyone is a requester; configured ids are approvers and radiologists (case-insensitive GUIDs)', async () => {
    const r = new RoleResolver(settings, logger, async () => false);
    expect((await r.actorOf(contextFrom({ id: '29:x', aadObjectId: 'cccccccc-0000-0000-0000-000000000003' })))!.roles).toEqual(['requester']);
    expect((await r.actorOf(contextFrom({ id: '29:a', aadObjectId: 'AAAAAAAA-0000-0000-0000-000000000001', name: 'A' })))).toEqual({
      aadObjectId: 'aaaaaaaa-0000-0000-0000-000000000001',
      roles: ['requester', 'analyst'],
      displayName: 'A',
    });
    expect((await r.actorOf(contextFrom({ id: '29:b', aadObjectId: 'bbbbbbbb-0000-0000-0000-000000000002' })))!.roles).toEqual(['requester', 'radiologist']);
  });

  it('no Entra identity, no actor (nothing may be done)', async () => {
    const r = new RoleResolver(settings, logger, async () => true);
    expect(await r.actorOf(contextFrom({ id: '29:x' }))).toBeUndefined();
  });

  it('service-desk team members are approvers; the answer is cached for cacheSeconds, then asked again', async () => {
    let now = 0;
    const asked: string[] = [];
    const r = new RoleResolver(settings, logger, async (_c, team, user) => (asked.push(`${team}|${user}`), user === '29:member'), () => now);
    const member = contextFrom({ id: '29:member', aadObjectId: 'dddddddd-0000-0000-0000-000000000004' });
    expect((await r.actorOf(member))!.roles).toEqual(['requester', 'analyst']);
    expect((await r.actorOf(member))!.roles).toEqual(['requester', 'analyst']);
    expect(asked).toEqual([`${TEAM}|29:member`]);
    now = 301_000;
    await r.actorOf(member);
    expect(asked).toHaveLength(2);
  });

  it('fails closed when Teams cannot say, and does not cache that', async () => {
    let calls = 0;
    const r = new RoleResolver(settings, logger, async () => {
      calls++;
      throw Object.assign(new Error('boom'), { statusCode: 502 });
    });
    const c = contextFrom({ id: '29:m', aadObjectId: 'eeeeeeee-0000-0000-0000-000000000005' });
    expect((await r.actorOf(c))!.roles).toEqual(['requester']);
    await r.actorOf(c);
    expect(calls).toBe(2);
  });

  it('without a configured team, only the listed ids approve and Teams is never asked', async () => {
    let calls = 0;
    const r = new RoleResolver({ ...settings, serviceDeskTeamId: undefined }, logger, async () => (calls++, true));
    expect((await r.actorOf(contextFrom({ id: '29:z', aadObjectId: 'ffffffff-0000-0000-0000-000000000006' })))!.roles).toEqual(['requester']);
    expect(calls).toBe(0);
  });
});
