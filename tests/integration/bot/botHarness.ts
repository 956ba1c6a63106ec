import fs from 'node:fs';
import path from 'node:path';
import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  ConfigurationServiceClientCredentialFactory,
  TestAdapter,
  type Activity,
  type TurnContext,
} from 'botbuilder';
import type { AppActor } from '../../../app';
import { createLogger } from '../../../config/logger';
import { ItbBot } from '../../../bot/itbBot';
import { ConversationRateLimiter } from '../../../bot/notifications/conversationRateLimiter';
import { PostedCards } from '../../../bot/notifications/postedCards';
import { ProactiveSender } from '../../../bot/notifications/proactiveSender';
import { RoleResolver } from '../../../bot/roles';
import { StaffNames } from '../../../bot/staffNames';
import { ConnectorStub } from '../../support/connectorStub';
import { startAppHarness, type AppHarness } from '../app/appHarness';
import { analyst, clinician, nonApprover, radiologist, secondAnalyst, secondClinician } from '../app/actors';

export const TENANT = '3b6c2a10-7d4e-4f0b-8c1a-9e2d5f6a7b80';
export const TEAM_ID = '19:itb-service-desk-team@thread.tacv2';
export const CHANNEL_ID = '19:itb-iep-requests@thread.tacv2';

/** TestAdapter that also keeps every in-place update (TestAdapter only replaces activities it sent itself). */
export class RecordingAdapter extends TestAdapter {
  readonly updates: Array<Partial<Activity>> = [];
  override async updateActivity(context: TurnContext, activity: Partial<Activity>) {
    this.updates.push(activity);
    return super.updateActivity(context, activity);
  }
}

/** Teams user ids (29:...) for the demo actors, as Teams would send them in from.id. */
const TEAMS_IDS = new Map<string, string>([
  [clinician.aadObjectId, '29:1Hq3Zs9a7vR0example-personal-user-id-AbCdEf'],
  [secondClinician.aadObjectId, '29:second-clinician'],
  [analyst.aadObjectId, '29:1Bm8example-analyst-user-id-QrStUv'],
  [secondAnalyst.aadObjectId, '29:second-analyst'],
  [radiologist.aadObjectId, '29:radiologist'],
  [nonApprover.aadObjectId, '29:non-approver'],
]);

export function fixture(name: string): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'fixtures', 'teams', `${name}.json`), 'utf8')) as Record<string, unknown>;
}

let seq = 0;
/** A fresh activity id, as Teams gives each message its own. */
export function nextId(): string {
  return `17732${String(++seq).padStart(8, '0')}`;
}

function fromOf(actor: AppActor) {
  return { id: TEAMS_IDS.get(actor.aadObjectId) ?? `29:${actor.aadObjectId}`, name: actor.displayName, aadObjectId: actor.aadObjectId };
}

/** A personal-chat activity from `actor`: typed text, or an Action.Submit value on the card `replyToId`. */
export function personal(actor: AppActor, body: { text?: string; value?: Record<string, unknown>; replyToId?: string; id?: string }): Record<string, unknown> {
  const base = fixture(body.value ? 'personal-submit-import' : 'personal-message-help');
  const { text: _t, value: _v, replyToId: _r, ...rest } = base;
  const conversationId = `a:personal-${actor.aadObjectId}`;
  return {
    ...rest,
    id: body.id ?? nextId(),
    from: fromOf(actor),
    conversation: { ...(base.conversation as object), id: conversationId },
    ...(body.text !== undefined ? { text: body.text } : {}),
    ...(body.value ? { value: body.value, replyToId: body.replyToId ?? 'card-1' } : {}),
  };
}

/** An Action.Submit from the service-desk channel by `actor`, on the card `replyToId`. */
export function channelSubmit(actor: AppActor, value: Record<string, unknown>, replyToId = '1773224300001', id = nextId()): Record<string, unknown> {
  return { ...fixture('channel-submit-approve'), id, from: fromOf(actor), value, replyToId };
}

/** An Action.Execute invoke from the channel by `actor` (Teams re-sends the same activity when not answered in 5 s). */
export function channelInvoke(actor: AppActor, verb: string, data: Record<string, unknown>, id = nextId()): Record<string, unknown> {
  const base = fixture('channel-invoke-approve');
  return { ...base, id, from: fromOf(actor), value: { action: { type: 'Action.Execute', title: verb, verb, data }, trigger: 'manual' } };
}

export interface BotHarness extends AppHarness {
  bot: ItbBot;
  adapter: RecordingAdapter;
  connector: ConnectorStub;
  sender: ProactiveSender;
  postedCards: PostedCards;
  staffNames: StaffNames;
  /** Runs one activity through the bot; returns what it sent and updated during that turn. */
  send(activity: Record<string, unknown>): Promise<{ sent: Array<Partial<Activity>>; updated: Array<Partial<Activity>> }>;
}

/** The bot over TestAdapter, with real Redis, the local desk, the PAS stand-in, and a connector stub for 1:1 sends. */
export async function startBotHarness(label: string): Promise<BotHarness> {
  const h = await startAppHarness(label);
  const logger = createLogger({ level: 'silent' });
  const connector = new ConnectorStub();
  const serviceUrl = await connector.start();
  const creds = new ConfigurationServiceClientCredentialFactory({ MicrosoftAppId: '', MicrosoftAppPassword: '', MicrosoftAppType: 'MultiTenant' });
  const cloud = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}, creds));
  const sender = new ProactiveSender({ adapter: cloud, appId: '', conversations: h.store.conversations, limiter: new ConversationRateLimiter(h.redis, h.prefix), logger });
  const postedCards = new PostedCards(h.redis, h.prefix);
  const staffNames = new StaffNames(h.redis, h.prefix);
  const roles = new RoleResolver(
    { approverAadObjectIds: [analyst.aadObjectId], serviceDeskTeamId: TEAM_ID, serviceDeskChannelId: CHANNEL_ID, oncallRadiologistAadObjectIds: [radiologist.aadObjectId], cacheSeconds: 60 },
    logger,
    // The second analyst is an approver by team membership only.
    async (_context, teamId, userId) => teamId === TEAM_ID && userId === '29:second-analyst',
  );
  const bot = new ItbBot({
    allowedTenantId: TENANT,
    logger,
    conversation: { services: { app: h.deps, postedCards, sender, staffNames, logger }, roles, channel: { serviceDeskTeamId: TEAM_ID, serviceDeskChannelId: CHANNEL_ID } },
  });
  const adapter = new RecordingAdapter();
  // Every stored conversation reference points at the connector stub (the fixtures carry Teams' real serviceUrl).
  const point = (a: Record<string, unknown>) => ({ ...a, serviceUrl });
  return {
    ...h,
    bot,
    adapter,
    connector,
    sender,
    postedCards,
    staffNames,
    async send(activity) {
      const sentBefore = adapter.activeQueue.length;
      const updatedBefore = adapter.updates.length;
      await adapter.processActivity(point(activity) as Partial<Activity>, (context) => bot.run(context));
      return { sent: adapter.activeQueue.slice(sentBefore), updated: adapter.updates.slice(updatedBefore) };
    },
    async close() {
      await connector.stop();
      await h.close();
    },
  };
}

/** The Adaptive Card in an activity, as JSON text (for "does it say ..." checks), or ''. */
export function cardText(activity: Partial<Activity> | undefined): string {
  const card = activity?.attachments?.[0]?.content;
  return card ? JSON.stringify(card) : '';
}

/** The Adaptive Card object in an activity. */
export function cardOf(activity: Partial<Activity> | undefined): Record<string, unknown> | undefined {
  return activity?.attachments?.[0]?.content as Record<string, unknown> | undefined;
}

/** Every input id in a card (walks the whole tree). */
export function inputIds(card: unknown): string[] {
  const out: string[] = [];
  const walk = (n: unknown) => {
    if (Array.isArray(n)) n.forEach(walk);
    else if (n && typeof n === 'object') {
      const o = n as Record<string, unknown>;
      if (typeof o.type === 'string' && o.type.startsWith('Input.') && typeof o.id === 'string') out.push(o.id);
      Object.values(o).forEach(walk);
    }
  };
  walk(card);
  return out;
}

/** The value an input shows, by id. */
export function inputValue(card: unknown, id: string): unknown {
  let found: unknown;
  const walk = (n: unknown) => {
    if (Array.isArray(n)) n.forEach(walk);
    else if (n && typeof n === 'object') {
      const o = n as Record<string, unknown>;
      if (o.id === id && typeof o.type === 'string' && o.type.startsWith('Input.')) found = o.value;
      Object.values(o).forEach(walk);
    }
  };
  walk(card);
  return found;
}
