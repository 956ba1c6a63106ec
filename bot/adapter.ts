import {
  CallerIdConstants,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  ConfigurationServiceClientCredentialFactory,
  StatusCodes,
  type Activity,
  type TurnContext,
} from 'botbuilder';
// botbuilder's own dependency (pinned by botbuilder 4.23.3): CloudAdapter recognises a 401 only by this class.
import {
  AuthenticationConstants,
  AuthenticationError,
  type AuthenticateRequestResult,
  type ClaimsIdentity,
  type ConnectorFactory,
  type UserTokenClient,
} from 'botframework-connector';
import type { AppConfig } from '../config';
import type { Logger } from '../config/logger';
import { ConnectorClientCache } from './connectorClientCache';

/**
 * The public-cloud endpoints, with the inbound token's OpenID metadata and issuer replaced when configured (the
 * authentication matrix points them at a local stub). botbuilder treats ANY of these settings as "all are given": set
 * one alone and the others (outbound login URL and scope, OAuth URL, caller id) become undefined, so outbound tokens
 * would be requested from login.microsoftonline.com/common instead of our tenant. Hence every one is spelled out.
 */
function channelEndpoints(b: AppConfig['bot']): Record<string, string | boolean> {
  if (!b.openIdMetadataUrl && !b.tokenIssuer) return {};
  const metadataUrl = b.openIdMetadataUrl ?? AuthenticationConstants.ToBotFromChannelOpenIdMetadataUrl;
  return {
    BotOpenIdMetadata: metadataUrl,
    ToBotFromChannelOpenIdMetadataUrl: metadataUrl,
    ToBotFromChannelTokenIssuer: b.tokenIssuer ?? AuthenticationConstants.ToBotFromChannelTokenIssuer,
    ToBotFromEmulatorOpenIdMetadataUrl: AuthenticationConstants.ToBotFromEmulatorOpenIdMetadataUrl,
    ToChannelFromBotLoginUrl: AuthenticationConstants.ToChannelFromBotLoginUrl,
    ToChannelFromBotOAuthScope: AuthenticationConstants.ToChannelFromBotOAuthScope,
    OAuthUrl: AuthenticationConstants.OAuthUrl,
    CallerId: CallerIdConstants.PublicAzureChannel,
    ValidateAuthority: true,
  };
}

/** jsonwebtoken's own failures (bad signature, alg none, wrong algorithm, not yet valid, malformed). */
const TOKEN_ERROR_NAMES = new Set(['JsonWebTokenError', 'NotBeforeError', 'TokenExpiredError']);

/**
 * botbuilder 4.23 rethrows jsonwebtoken's verification errors as they are, and CloudAdapter answers anything that is
 * not an AuthenticationError with 500: a forged signature, alg none or HS256-with-the-public-key would look like our
 * fault (and page someone) instead of a refused caller. Re-raised here as 401, with no detail for the caller.
 */
class TokenErrorsAreUnauthorized extends ConfigurationBotFrameworkAuthentication {
  private readonly connectors = new ConnectorClientCache();
  private readonly userTokenClients = new Map<string, Promise<UserTokenClient>>();

  override async authenticateRequest(activity: Activity, authHeader: string): Promise<AuthenticateRequestResult> {
    let result: AuthenticateRequestResult;
    try {
      result = await super.authenticateRequest(activity, authHeader);
    } catch (err) {
      if (err instanceof Error && TOKEN_ERROR_NAMES.has(err.name)) throw new AuthenticationError('Unauthorized. Invalid token.', StatusCodes.UNAUTHORIZED);
      throw err;
    }
    // Authentication above is per request, always; only the outbound client is reused (bot/connectorClientCache.ts).
    return result.connectorFactory ? { ...result, connectorFactory: this.connectors.wrap(result.connectorFactory) } : result;
  }

  override createConnectorFactory(claimsIdentity: ClaimsIdentity): ConnectorFactory {
    return this.connectors.wrap(super.createConnectorFactory(claimsIdentity));
  }

  /**
   * One user-token client per bot app id (the identity it is built from), not one per turn: CloudAdapter makes one for
   * every turn, each with its own HTTP pipeline, and this bot never uses it (no OAuth prompts).
   */
  override createUserTokenClient(claimsIdentity: ClaimsIdentity): Promise<UserTokenClient> {
    const appId =
      claimsIdentity.getClaimValue(AuthenticationConstants.AudienceClaim) ?? claimsIdentity.getClaimValue(AuthenticationConstants.AppIdClaim) ?? '';
    const cached = this.userTokenClients.get(appId);
    if (cached) return cached;
    const made = super.createUserTokenClient(claimsIdentity);
    if (this.userTokenClients.size < 16) this.userTokenClients.set(appId, made);
    made.catch(() => this.userTokenClients.delete(appId));
    return made;
  }
}

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
  const auth = new TokenErrorsAreUnauthorized(
    { MicrosoftAppId: b.appId, MicrosoftAppTenantId: b.appTenantId, ...channelEndpoints(b) },
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
