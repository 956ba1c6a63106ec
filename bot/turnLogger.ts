import type { TurnContext } from 'botbuilder';
import type { Logger } from '../config/logger';

const TURN_LOGGER = Symbol('itb.turnLogger');

/** The request-scoped logger (carrying reqId and traceId) for this turn, or the fallback. */
export function turnLogger(context: TurnContext, fallback: Logger): Logger {
  return (context.turnState.get(TURN_LOGGER) as Logger | undefined) ?? fallback;
}

export function setTurnLogger(context: TurnContext, logger: Logger): void {
  context.turnState.set(TURN_LOGGER, logger);
}
