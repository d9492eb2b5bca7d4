import type { PreTokenGenerationV3TriggerEvent } from 'aws-lambda';
import { currentLogger } from '../../shared/adapters/logger';
import { isDomainError } from '../../shared/domain/errors';
import type { ServiceContext } from '../../shared/services/context';
import { infrastructure, technicalClientService } from '../../shared/services/wiring';

/** The claim that names the technical account in its access token (informative: the API's authorizer looks up the client). */
export const TECHNICAL_CLAIM = 'compte_technique';

/**
 * The user pool's pre token generation trigger (event V3_0) on AWS (docs/rules/structures.md#technical-account):
 * for a client credentials grant, the client must be the current one of an active structure's technical account
 * still inside its 424 days, else Cognito issues no token (the error's French message); the token then names the
 * account (`compte_technique`). Cognito lets no hook set `aud` or `client_id`, so the HTTP API accepts these tokens
 * through the product's Lambda authorizer (functions/auth/api-authorizer.ts), which checks the client again at each
 * request. Tokens of people pass unchanged.
 */
export function technicalTokenHandler(
  context: () => Pick<ServiceContext, 'technicalClients' | 'clock'> = () => ({
    technicalClients: technicalClientService(),
    clock: infrastructure().clock,
  }),
) {
  return async (event: PreTokenGenerationV3TriggerEvent): Promise<PreTokenGenerationV3TriggerEvent> => {
    if (event.triggerSource !== 'TokenGeneration_ClientCredentials') return event;
    const ctx = context();
    try {
      const { login } = await ctx.technicalClients.access(event.callerContext.clientId, undefined, ctx.clock.now());
      event.response = {
        claimsAndScopeOverrideDetails: {
          accessTokenGeneration: {
            claimsToAddOrOverride: { [TECHNICAL_CLAIM]: login },
          },
        },
      };
      return event;
    } catch (error) {
      if (isDomainError(error)) {
        currentLogger().warn('jeton de client technique refusé', {
          code: error.code,
          clientId: event.callerContext.clientId,
        });
        throw new Error(`${error.code} : ${error.message}`);
      }
      throw error;
    }
  };
}

export const handler = technicalTokenHandler();
