import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { BrookCluster, type BrookClusterProps } from './brook-cluster';

export interface BrookStackProps extends StackProps {
  readonly cluster?: BrookClusterProps;
}

/** A deployable Brook: one cluster, and the URL and cluster id clients need. */
export class BrookStack extends Stack {
  readonly cluster: BrookCluster;

  constructor(scope: Construct, id: string, props: BrookStackProps = {}) {
    super(scope, id, props);
    this.cluster = new BrookCluster(this, 'Cluster', props.cluster);
    const signing = this.cluster.endpoint === 'http-api' ? 'SigV4, service execute-api' : 'SigV4, service lambda';
    new CfnOutput(this, 'ApiUrl', { value: this.cluster.url, description: `Brook endpoint: new Brook({ url }) (${signing})` });
    new CfnOutput(this, 'ClusterId', { value: this.cluster.clusterId, description: 'The cluster_id in /v3/clusters/{cluster_id}' });
    if (this.cluster.dashboard) {
      new CfnOutput(this, 'DashboardUrl', {
        value: `https://console.aws.amazon.com/cloudwatch/home?region=${this.region}#dashboards:name=${this.cluster.dashboard.dashboardName}`,
        description: 'CloudWatch dashboard',
      });
    }
  }
}
