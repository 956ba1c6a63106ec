import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  ConfigurationServiceClientCredentialFactory,
  type TurnContext,
} from 'botbuilder';
import type { AppConfig } from '../config';
import type { Logger } from '../config/logger';

/**
 * The CloudAdapter with ConfigurationBotFrameworkAuthentication. With an empty app id botbuilder accepts every
 * request unauthenticated: only the sandbox (bound to 127.0.0.1) may run that way; production refuses to start
 * without credentials (config/productionChecks.ts).
 */
export function createAdapter(config: AppConfig, logger: Logger): CloudAdapter {
  const b = config.bot;
  const credentials = new ConfigurationServiceClientCredentialFactory({
    MicrosoftAppId: b.appId,
    MicrosoftAppPassword: b.appPassword,
    // Without an app id (sandbox only) botbuilder allows anonymous calls only for the MultiTenant type.
    MicrosoftAppType: b.appId ? b.appType : 'MultiTenant',
    MicrosoftAppTenantId: b.appTenantId,
  });
  const auth = new ConfigurationBotFrameworkAuthentication(
    {
      MicrosoftAppId: b.appId,
      MicrosoftAppTenantId: b.appTenantId,
      ...(b.openIdMetadataUrl ? { BotOpenIdMetadata: b.openIdMetadataUrl, ToBotFromChannelOpenIdMetadataUrl: b.openIdMetadataUrl } : {}),
      ...(b.tokenIssuer ? { ToBotFromChannelTokenIssuer: b.tokenIssuer } : {}),
    },
    credentials,
  );
  const adapter = new CloudAdapter(auth);
  adapter.onTurnError = async (context: TurnContext, error: Error) => {
    // Only ids and the error type: peer errors can echo what was sent, and activity text may hold patient data.
    logger.error({ activityId: context.activity.id, activityType: context.activity.type, errType: error.name }, 'unhandled turn error');
    try {
      await context.sendActivity('Sorry, something went wrong on our side and your last action was not completed. Please try again; if it keeps happening, call the service desk on x18000.');
    } catch {
      /* the reply channel itself may be the failure */
    }
  };
  return adapter;
}
