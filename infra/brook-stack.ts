import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { BrookCluster, type BrookClusterProps } from './brook-cluster';

export interface BrookStackProps extends StackProps {
  readonly cluster?: BrookClusterProps;
}

/** A deployable Brook: one cluster and the endpoint clients sign their requests for. */
export class BrookStack extends Stack {
  readonly cluster: BrookCluster;

  constructor(scope: Construct, id: string, props: BrookStackProps = {}) {
    super(scope, id, props);
    this.cluster = new BrookCluster(this, 'Cluster', props.cluster);
    new CfnOutput(this, 'ApiUrl', { value: this.cluster.api.apiEndpoint, description: 'Brook HTTP API endpoint (IAM-signed requests)' });
    new CfnOutput(this, 'ClusterId', { value: this.cluster.clusterId, description: 'The cluster_id in /v3/clusters/{cluster_id}' });
  }
}
