import {
  AddUserPoolClientSecretCommand,
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  DeleteUserPoolClientCommand,
  DeleteUserPoolClientSecretCommand,
  ListUserPoolClientSecretsCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-cognito-identity-provider';
import type { PreTokenGenerationV3TriggerEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { technicalTokenHandler } from '../../../functions/auth/technical-token';
import { CognitoMachineClients } from '../../../shared/adapters/cognito-machine-clients';
import { DomainError } from '../../../shared/domain/errors';
import type { TechnicalClientService } from '../../../shared/services/technical-client';

/** The technical accounts' machine clients on AWS (docs/rules/structures.md#technical-account). */

const NOW = new Date('2027-03-01T09:00:00Z');

function event(triggerSource: string, clientId = 'client-1'): PreTokenGenerationV3TriggerEvent {
  return {
    version: '3',
    triggerSource,
    region: 'eu-west-3',
    userPoolId: 'eu-west-3_pool',
    userName: '',
    callerContext: { awsSdkVersion: 'x', clientId },
    request: { userAttributes: {}, groupConfiguration: { groupsToOverride: [] }, scopes: [] },
    response: { claimsAndScopeOverrideDetails: {} },
  } as unknown as PreTokenGenerationV3TriggerEvent;
}

function hook(access: TechnicalClientService['access']) {
  return technicalTokenHandler(() => ({
    technicalClients: { access } as TechnicalClientService,
    clock: { now: () => NOW },
  }));
}

describe('the user pool token hook', () => {
  it('names the technical account in a client credentials token, and no claim Cognito keeps for itself', async () => {
    const asked: unknown[] = [];
    const out = await hook(async (...args) => {
      asked.push(args);
      return { login: 'TECH_53819959700013', siret: '53819959700013' };
    })(event('TokenGeneration_ClientCredentials'));
    // Cognito checked the secret; the hook checks the account at the request's instant
    expect(asked).toEqual([['client-1', undefined, NOW]]);
    expect(out.response.claimsAndScopeOverrideDetails?.accessTokenGeneration?.claimsToAddOrOverride).toEqual({
      compte_technique: 'TECH_53819959700013',
    });
    // `aud` and `client_id` cannot be set by a token hook: the API's Lambda authorizer accepts these tokens instead
  });

  it('lets a person’s tokens through untouched', async () => {
    const e = event('TokenGeneration_Authentication');
    const out = await hook(async () => {
      throw new Error('not asked');
    })(e);
    expect(out.response).toEqual({ claimsAndScopeOverrideDetails: {} });
  });

  it('refuses the token of an expired account with its French reason (Cognito then issues none)', async () => {
    const expired = new DomainError(
      'COMPTE_TECHNIQUE_EXPIRE',
      'Le mot de passe du compte technique a expiré.',
      'FORBIDDEN',
    );
    await expect(
      hook(async () => {
        throw expired;
      })(event('TokenGeneration_ClientCredentials')),
    ).rejects.toThrow(/^COMPTE_TECHNIQUE_EXPIRE : Le mot de passe du compte technique a expiré\.$/);
  });
});

describe('CognitoMachineClients', () => {
  const config = { userPoolId: 'eu-west-3_pool', tokenUrl: 'https://ft.auth/oauth2/token', scope: 'api-id/api' };

  it('creates a client credentials app client holding the product’s secret, the API scope only', async () => {
    const cognito = mockClient(CognitoIdentityProviderClient);
    cognito.on(CreateUserPoolClientCommand).resolves({ UserPoolClient: { ClientId: 'new-client' } });
    const clients = new CognitoMachineClients(config, new CognitoIdentityProviderClient({}));
    expect(await clients.create('TECH_53819959700013', 'secret-1')).toBe('new-client');
    expect(cognito.commandCalls(CreateUserPoolClientCommand)[0]?.args[0].input).toMatchObject({
      UserPoolId: 'eu-west-3_pool',
      ClientName: 'TECH_53819959700013',
      ClientSecret: 'secret-1',
      AllowedOAuthFlows: ['client_credentials'],
      AllowedOAuthScopes: ['api-id/api'],
    });
    cognito.restore();
  });

  it('rotates by adding the new secret, then deleting every other one', async () => {
    const cognito = mockClient(CognitoIdentityProviderClient);
    cognito.on(AddUserPoolClientSecretCommand).resolves({ ClientSecretDescriptor: { ClientSecretId: 'new' } });
    cognito
      .on(ListUserPoolClientSecretsCommand)
      .resolves({ ClientSecrets: [{ ClientSecretId: 'old' }, { ClientSecretId: 'new' }] });
    cognito.on(DeleteUserPoolClientSecretCommand).resolves({});
    await new CognitoMachineClients(config, new CognitoIdentityProviderClient({})).rotate('c-1', 'secret-2');
    expect(cognito.commandCalls(AddUserPoolClientSecretCommand)[0]?.args[0].input).toMatchObject({
      ClientId: 'c-1',
      ClientSecret: 'secret-2',
    });
    expect(cognito.commandCalls(DeleteUserPoolClientSecretCommand).map((c) => c.args[0].input.ClientSecretId)).toEqual([
      'old',
    ]);
    cognito.restore();
  });

  it('deletes an orphan client; one already gone counts as deleted, another failure is reported', async () => {
    const cognito = mockClient(CognitoIdentityProviderClient);
    const clients = new CognitoMachineClients(config, new CognitoIdentityProviderClient({}));
    cognito.on(DeleteUserPoolClientCommand, { ClientId: 'orphan' }).resolves({});
    cognito
      .on(DeleteUserPoolClientCommand, { ClientId: 'gone' })
      .rejects(new ResourceNotFoundException({ message: 'not found', $metadata: {} }));
    cognito.on(DeleteUserPoolClientCommand, { ClientId: 'throttled' }).rejects(new Error('TooManyRequests'));
    await clients.delete('orphan');
    await clients.delete('gone');
    await expect(clients.delete('throttled')).rejects.toThrow('TooManyRequests');
    expect(cognito.commandCalls(DeleteUserPoolClientCommand).map((c) => c.args[0].input)).toEqual([
      { UserPoolId: 'eu-west-3_pool', ClientId: 'orphan' },
      { UserPoolId: 'eu-west-3_pool', ClientId: 'gone' },
      { UserPoolId: 'eu-west-3_pool', ClientId: 'throttled' },
    ]);
    cognito.restore();
  });
});
