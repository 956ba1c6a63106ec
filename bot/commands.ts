import type { TurnContext } from 'botbuilder';
import { onHelp } from './handlers/help';

/** A typed-text command: the first that matches handles the message. */
export interface TextCommand {
  name: string;
  matches(text: string): boolean;
  handle(context: TurnContext, text: string): Promise<void>;
}

/** Teams prefixes channel messages with "<at>Bot</at>"; strip mentions and normalise spaces before matching. */
export function normaliseCommandText(text: string | undefined): string {
  return (text ?? '')
    .replace(/<at>[^<]*<\/at>/gi, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
}

/** The commands, registered in one place. Later issues add import, export, trauma, cd, status, cancel. */
export const TEXT_COMMANDS: TextCommand[] = [
  { name: 'help', matches: (t) => /^(help|menu|hi|hello|start|\?)$/.test(t), handle: (c) => onHelp(c) },
];
