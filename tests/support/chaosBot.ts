import { startBot, type RunningBot } from '../../bot/app';
import type { AppActor } from '../../app';
import { startPasSandbox, type PasSandbox } from '../../sandbox/pas/pasSandbox';
import { fixture, personal, TENANT, CHANNEL_ID, TEAM_ID } from '../integration/bot/botHarness';
import { formValues } from '../integration/app/forms';
import { postActivity } from './activities';
import { testConfig } from './config';
import { ConnectorStub, type CapturedActivity } from './connectorStub';
import { capturingLogger } from './logCapture';
import { uniquePrefix } from './services';

/** A call reference as the bot shows it (ITB-2026-000123). */
export const CALL_REF = /ITB-\d{4}-\d{6,}/g;

/** What one submission got back from the bot, as the clinician would see it in Teams. */
export interface SubmissionAnswer {
  /** The HTTP status of POST /api/messages. */
  status: number;
  /** Milliseconds from posting the click to the bot's answer reaching the (stub) Bot Connector. */
  ms: number;
  /** Every call reference shown in that answer (0 or 1). */
  callRefs: string[];
  /** The text of what was shown (the confirmation card or the refusal). */
  shown: string;
}

/**
 * The whole bot process (bot/app.ts startBot: restify, CloudAdapter, the conversation wiring with its fail-fast
 * producer connection, the notify worker) on a Redis the chaos test owns, with the PAS stand-in and a local Bot
 * Connector. `submit` clicks "Send request" on an import form in a clinician's personal chat over real HTTP and
 * returns what the clinician was shown.
 */
export class ChaosBot {
  private seq = 0;
  private constructor(
    readonly bot: RunningBot,
    readonly connector: ConnectorStub,
    readonly serviceUrl: string,
    readonly pas: PasSandbox,
    readonly prefix: string,
    readonly log: ReturnType<typeof capturingLogger>,
  ) {}

  static async start(label: string, redisUrl: string, now = new Date('2026-03-11T10:00:00Z')): Promise<ChaosBot> {
    const connector = new ConnectorStub();
    const serviceUrl = await connector.start();
    const pas = await startPasSandbox();
    const prefix = uniquePrefix(label);
    const log = capturingLogger('warn');
    const config = testConfig({
      REDIS_URL: redisUrl,
      REDIS_PREFIX: prefix,
      ALLOWED_TENANT_ID: TENANT,
      SERVICE_DESK_TEAM_ID: TEAM_ID,
      SERVICE_DESK_CHANNEL_ID: CHANNEL_ID,
      PAS_FHIR_BASE_URL: pas.baseUrl,
    });
    const bot = await startBot(config, log.logger, { port: 0, conversation: { now: () => now, membership: async () => false } });
    return new ChaosBot(bot, connector, serviceUrl, pas, prefix, log);
  }

  /** One click on "Send request"; `formId` names the form (a retry of the same form re-sends the same id). */
  async submit(actor: AppActor, formId = `form-${process.pid}-${++this.seq}`): Promise<SubmissionAnswer> {
    const cardId = `card-${formId}-${++this.seq}`;
    const activityId = `click-${formId}-${this.seq}`;
    const activity = { ...personal(actor, { value: formValues('personal-submit-import', { formId }), replyToId: cardId, id: activityId }), serviceUrl: this.serviceUrl };
    const t0 = Date.now();
    const res = await postActivity(this.bot.url, activity);
    await res.text();
    const ms = Date.now() - t0;
    // The confirmation replaces the clicked card (PUT .../activities/<card>); a refusal is a reply to the click.
    const mine = this.connector.received.filter((r: CapturedActivity) => [cardId, activityId].some((id) => r.path.endsWith(`/activities/${encodeURIComponent(id)}`) || r.body.replyToId === id));
    const shown = mine.map((r) => JSON.stringify(r.body)).join('\n');
    return { status: res.status, ms, callRefs: [...new Set(shown.match(CALL_REF) ?? [])], shown };
  }

  /** Someone types in the service-desk channel, so the bot holds the channel's conversation reference (for notices). */
  async sayInChannel(text: string): Promise<number> {
    const { value: _v, replyToId: _r, ...base } = fixture('channel-submit-approve');
    const res = await postActivity(this.bot.url, { ...base, id: `channel-${++this.seq}`, text, serviceUrl: this.serviceUrl });
    await res.text();
    return res.status;
  }

  async close(): Promise<void> {
    await this.bot.close();
    await this.pas.close();
    await this.connector.stop();
  }
}
