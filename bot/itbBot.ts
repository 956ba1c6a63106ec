import { ActivityHandler, ActivityTypes, type TurnContext } from 'botbuilder';
import type { Logger } from '../config/logger';
import { isAllowedTenant } from './tenant';
import { normaliseCommandText, TEXT_COMMANDS, type TextCommand } from './commands';
import { onHelp } from './handlers/help';
import { turnLogger } from './turnLogger';

export interface ItbBotOptions {
  allowedTenantId?: string;
  logger: Logger;
  commands?: TextCommand[];
}

/**
 * The bot: checks the tenant on EVERY activity before anything else, then routes messages to one handler per command.
 * Never logs activity text or card values: they may carry patient data.
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
    await super.run(context);
  }

  private async routeMessage(context: TurnContext): Promise<void> {
    const text = normaliseCommandText(context.activity.text);
    const command = (this.opts.commands ?? TEXT_COMMANDS).find((c) => c.matches(text));
    turnLogger(context, this.opts.logger).info({ activityId: context.activity.id, command: command?.name ?? 'unknown' }, 'message');
    if (command) return command.handle(context, text);
    await context.sendActivity("I didn't recognise that. Type **help** to see what I can do.");
  }
}
