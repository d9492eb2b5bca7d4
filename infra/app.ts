import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { FacturesTravauxStack } from './stack';

/** `npm run synth` / `cdk deploy`: the stack, checked by cdk-nag (AwsSolutions) through the Validations API. */
const app = new App();
new FacturesTravauxStack(app, 'FacturesTravaux', {
  env: {
    account: process.env.CDK_DEFAULT_ACCOUNT ?? '111111111111',
    region: process.env.CDK_DEFAULT_REGION ?? 'eu-west-3',
  },
  auth: process.env.JWT_ISSUER
    ? { issuer: process.env.JWT_ISSUER, audience: (process.env.JWT_AUDIENCE ?? '').split(',').filter(Boolean) }
    : undefined,
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
