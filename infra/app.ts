// The CDK app (cdk.json runs it with tsx). Account and region come from the CLI's profile, so the
// same synth works for any account; the stack itself makes no environment lookups, so
// `npm run synth` needs no credentials and no network. Options come from context (context.ts).
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { BrookStack } from './brook-stack';
import { propsFromContext } from './context';

const app = new App();
new BrookStack(app, String(app.node.tryGetContext('brook:stackName') ?? 'Brook'), {
  description: 'Brook: a Kafka-style event log on S3 and DynamoDB behind an HTTP API',
  cluster: propsFromContext((key) => app.node.tryGetContext(key)),
});
// Every synth and deploy checks the AwsSolutions rules; each acknowledged finding carries its
// reason next to the construct it concerns (infra/nag.ts).
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
