import { CardFactory, type TurnContext } from 'botbuilder';
import { renderHelpCard } from '../../cards/help';

/** "help" (and the welcome on install): the menu card of what the bot does. */
export async function onHelp(context: TurnContext): Promise<void> {
  await context.sendActivity({ attachments: [CardFactory.adaptiveCard(renderHelpCard())] });
}
