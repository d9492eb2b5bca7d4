import { CfnOutput } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { type HttpRoute, type LambdaDefinition, type LambdaKey, LAMBDAS } from '../../functions/registry';
import type { Functions } from './functions';

export interface ApiProps {
  readonly functions: Functions;
  /** Any OIDC issuer; by default a Cognito user pool is created. */
  readonly auth?: { readonly issuer: string; readonly audience: string[] };
}

/** The HTTP API: one route per registry route, a JWT authorizer on every non-public route. */
export class Api extends Construct {
  readonly httpApi: apigw.HttpApi;
  readonly userPool?: cognito.UserPool;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    let issuer: string;
    let audience: string[];
    if (props.auth) {
      ({ issuer, audience } = props.auth);
    } else {
      this.userPool = new cognito.UserPool(this, 'Users', {
        signInAliases: { email: true },
        selfSignUpEnabled: false,
        passwordPolicy: { minLength: 12, requireDigits: true, requireLowercase: true, requireUppercase: true, requireSymbols: true },
        advancedSecurityMode: cognito.AdvancedSecurityMode.ENFORCED,
        mfa: cognito.Mfa.OPTIONAL,
      });
      const client = this.userPool.addClient('Web', { authFlows: { userSrp: true } });
      issuer = `https://cognito-idp.${this.userPool.stack.region}.amazonaws.com/${this.userPool.userPoolId}`;
      audience = [client.userPoolClientId];
    }
    const authorizer = new HttpJwtAuthorizer('Jwt', issuer, { jwtAudience: audience });
    this.httpApi = new apigw.HttpApi(this, 'Http', { apiName: 'factures-travaux' });
    for (const [key, def] of Object.entries(LAMBDAS) as [LambdaKey, LambdaDefinition][]) {
      if (def.kind !== 'http') continue;
      const integration = new HttpLambdaIntegration(`${key}Integration`, props.functions.get(key));
      for (const route of def.routes ?? ([] as HttpRoute[])) {
        this.httpApi.addRoutes({
          path: route.path,
          methods: [apigw.HttpMethod[route.method]],
          integration,
          authorizer: route.public ? undefined : authorizer,
        });
      }
    }
    new CfnOutput(this, 'Url', { value: this.httpApi.apiEndpoint });
  }
}
