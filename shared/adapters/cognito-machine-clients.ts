import {
  AddUserPoolClientSecretCommand,
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  DeleteUserPoolClientCommand,
  DeleteUserPoolClientSecretCommand,
  ListUserPoolClientSecretsCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-cognito-identity-provider';
import type { MachineClients } from './machine-clients';

export interface CognitoMachineClientsConfig {
  readonly userPoolId: string;
  /** `https://<domain>/oauth2/token` of the user pool's domain. */
  readonly tokenUrl: string;
  /** `<resource server identifier>/<scope>`. */
  readonly scope: string;
  /** Access tokens last this long (minutes). */
  readonly accessTokenMinutes?: number;
}

/**
 * The technical accounts' clients as app clients of the Cognito user pool: client credentials only, the API's scope
 * only, a secret set by the product, no refresh token. Rotation adds the new secret, then deletes the others. A
 * client whose record could not be written is deleted again (app clients per pool are limited, 1,000 by default).
 */
export class CognitoMachineClients implements MachineClients {
  readonly keepsSecretHash = false;

  constructor(
    private readonly config: CognitoMachineClientsConfig,
    private readonly client = new CognitoIdentityProviderClient({}),
  ) {}

  get tokenUrl(): string {
    return this.config.tokenUrl;
  }

  get scope(): string {
    return this.config.scope;
  }

  async create(name: string, secret: string): Promise<string> {
    const out = await this.client.send(
      new CreateUserPoolClientCommand({
        UserPoolId: this.config.userPoolId,
        ClientName: name,
        ClientSecret: secret,
        AllowedOAuthFlowsUserPoolClient: true,
        AllowedOAuthFlows: ['client_credentials'],
        AllowedOAuthScopes: [this.config.scope],
        AccessTokenValidity: this.config.accessTokenMinutes ?? 60,
        TokenValidityUnits: { AccessToken: 'minutes' },
        EnableTokenRevocation: true,
        PreventUserExistenceErrors: 'ENABLED',
      }),
    );
    const id = out.UserPoolClient?.ClientId;
    if (!id) throw new Error('Cognito did not return the new client id');
    return id;
  }

  async rotate(clientId: string, secret: string): Promise<void> {
    const ids = { UserPoolId: this.config.userPoolId, ClientId: clientId };
    const added = await this.client.send(new AddUserPoolClientSecretCommand({ ...ids, ClientSecret: secret }));
    const keep = added.ClientSecretDescriptor?.ClientSecretId;
    const { ClientSecrets = [] } = await this.client.send(new ListUserPoolClientSecretsCommand(ids));
    for (const s of ClientSecrets) {
      if (s.ClientSecretId && s.ClientSecretId !== keep) {
        await this.client.send(new DeleteUserPoolClientSecretCommand({ ...ids, ClientSecretId: s.ClientSecretId }));
      }
    }
  }

  async delete(clientId: string): Promise<void> {
    try {
      await this.client.send(
        new DeleteUserPoolClientCommand({ UserPoolId: this.config.userPoolId, ClientId: clientId }),
      );
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw error;
    }
  }
}

/** The user pool's clients named by the environment the Api construct gives the function, if any. */
export function cognitoMachineClientsFromEnv(env = process.env): CognitoMachineClients | undefined {
  const { USER_POOL_ID, TECHNICAL_TOKEN_URL, TECHNICAL_SCOPE } = env;
  if (!USER_POOL_ID || !TECHNICAL_TOKEN_URL || !TECHNICAL_SCOPE) return undefined;
  return new CognitoMachineClients({ userPoolId: USER_POOL_ID, tokenUrl: TECHNICAL_TOKEN_URL, scope: TECHNICAL_SCOPE });
}
