// The CDK app (cdk.json runs it with tsx). Account and region come from the CLI's profile, so the
// same synth works for any account; the stack itself uses no environment-specific lookups.
import { App } from 'aws-cdk-lib';
import { BrookStack } from './brook-stack';

const app = new App();
new BrookStack(app, 'Brook', {
  description: 'Brook: a Kafka-style event log on S3 and DynamoDB behind an HTTP API',
  cluster: { clusterId: app.node.tryGetContext('brook:clusterId') },
});
app.synth();
