import {
  ActivityHandler,
  ActivityTypes,
  type AdaptiveCardInvokeResponse,
  type AdaptiveCardInvokeValue,
  type SearchInvokeResponse,
  type SearchInvokeValue,
  type TurnContext,
} from 'botbuilder';
import { IEP_INSTITUTIONS_DATASET, searchInstitutionChoices } from '../cards';
import type { AppConfig } from '../config';
import type { Logger } from '../config/logger';
import { answerInvoke, answerSubmit, cardActionOf, runCardAction } from './cardActions';
import { normaliseCommandText, TEXT_COMMANDS, type TextCommand } from './commands';
import { captureConversation } from './conversationCapture';
import { onHelp } from './handlers/help';
import type { BotServices, Turn } from './handlers/turn';
import type { RoleResolver } from './roles';
import { isAllowedTenant } from './tenant';
import { turnLogger } from './turnLogger';

/** The conversation's parts: use-cases and bot services, the role resolver, and where the service-desk channel is. */
export interface ConversationWiring {
  services: BotServices;
  roles: RoleResolver;
  channel: Pick<AppConfig['roles'], 'serviceDeskTeamId' | 'serviceDeskChannelId'>;
}

export interface ItbBotOptions {
  allowedTenantId?: string;
  logger: Logger;
  commands?: TextCommand[];
  /** Without it (edge-only tests) the bot answers help and nothing else. */
  conversation?: ConversationWiring;
}

/**
 * The bot: checks the tenant on EVERY activity before anything else, keeps the conversation references current, then
 * routes typed text to one handler per command and card actions (Action.Submit messages, Action.Execute invokes) to
 * one handler per verb. Never logs activity text or card values: they may carry patient data.
 */
export class ItbBot extends ActivityHandler {
  constructor(private readonly opts: ItbBotOptions) {
    super();
    this.onMessage(async (context, next) => {
      await this.routeMessage(context);
      await next();
    });
    this.onMembersAdded(async (context, next) => {
      const botId = context.activity.recipient?.id;
      if ((context.activity.membersAdded ?? []).some((m) => m.id !== botId)) await onHelp(context);
      await next();
    });
  }

  override async run(context: TurnContext): Promise<void> {
    if (!isAllowedTenant(context.activity, this.opts.allowedTenantId)) {
      // Not one of ours: say nothing useful to a stranger, record the ids only.
      turnLogger(context, this.opts.logger).warn({ activityId: context.activity.id, channelId: context.activity.channelId }, 'activity from another tenant refused');
      if (context.activity.type === ActivityTypes.Invoke) {
        await context.sendActivity({ type: ActivityTypes.InvokeResponse, value: { status: 403, body: { message: 'This bot serves one organisation only.' } } });
      }
      return;
    }
    const wiring = this.opts.conversation;
    if (wiring) {
      const log = turnLogger(context, this.opts.logger);
      const from = context.activity.from;
      await Promise.all([
        captureConversation(context, wiring.services.app.store.conversations, wiring.channel, log),
        from?.aadObjectId ? wiring.services.staffNames.remember(from.aadObjectId, from.name).catch(() => undefined) : undefined,
      ]);
    }
    await super.run(context);
  }

  /** Who is acting, for a wired bot; undefined when edge-only or the activity carries no Entra identity. */
  private async turnOf(context: TurnContext): Promise<Turn | undefined> {
    const wiring = this.opts.conversation;
    if (!wiring) return undefined;
    const actor = await wiring.roles.actorOf(context);
    return actor ? { context, actor, services: wiring.services } : undefined;
  }

  private async routeMessage(context: TurnContext): Promise<void> {
    const log = turnLogger(context, this.opts.logger);
    const action = cardActionOf(context.activity.value);
    if (action) {
      log.info({ activityId: context.activity.id, verb: action.verb }, 'card action');
      const turn = await this.turnOf(context);
      if (!turn) return void (await context.sendActivity('I could not tell who you are, so I cannot do that. Please try again from Teams.'));
      await answerSubmit(context, await runCardAction(turn, action.verb, action.data));
      return;
    }
    const text = normaliseCommandText(context.activity.text);
    const command = (this.opts.commands ?? TEXT_COMMANDS).find((c) => c.matches(text));
    log.info({ activityId: context.activity.id, command: command?.name ?? 'unknown' }, 'message');
    if (!command) return void (await context.sendActivity("I didn't recognise that. Type **help** to see what I can do."));
    await answerSubmit(context, await command.handle(context, text, await this.turnOf(context)));
  }

  /** Action.Execute: answered with a card, a message or a typed error, never a thrown exception (Teams retries). */
  protected override async onAdaptiveCardInvoke(context: TurnContext, invokeValue: AdaptiveCardInvokeValue): Promise<AdaptiveCardInvokeResponse> {
    const action = cardActionOf(invokeValue);
    turnLogger(context, this.opts.logger).info({ activityId: context.activity.id, verb: action?.verb ?? 'unknown' }, 'card invoke');
    if (!action) return { statusCode: 400, type: 'application/vnd.microsoft.error', value: { code: 'badRequest', message: 'Unknown card action.' } as never };
    const turn = await this.turnOf(context);
    if (!turn) return { statusCode: 401, type: 'application/vnd.microsoft.error', value: { code: 'unauthenticated', message: 'I could not tell who you are.' } as never };
    return answerInvoke(context, await runCardAction(turn, action.verb, action.data));
  }

  /** Data.Query type-ahead for the trust pickers (dataset "iepInstitutions"). */
  protected override async onSearchInvoke(context: TurnContext, invokeValue: SearchInvokeValue): Promise<SearchInvokeResponse> {
    const wiring = this.opts.conversation;
    if (!wiring || invokeValue.dataset !== IEP_INSTITUTIONS_DATASET) {
      return { statusCode: 404, type: 'application/vnd.microsoft.error', value: { code: 'notFound', message: 'Unknown search.' } as never };
    }
    const directory = await wiring.services.app.directory.search('');
    const results = searchInstitutionChoices(directory, invokeValue.queryText ?? '', invokeValue.queryOptions?.top ?? 15);
    return { statusCode: 200, type: 'application/vnd.microsoft.search.searchResponse', value: { results } as never };
  }
}
