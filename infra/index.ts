// The CDK side of Brook, for platform teams that add a cluster to their own app:
//   import { BrookCluster } from 'brook/infra';
// aws-cdk-lib and constructs come from the importing app.
export { BrookApi } from './api';
export { BrookCluster } from './brook-cluster';
export { BrookStack, type BrookStackProps } from './brook-stack';
export { BrookFunctions } from './functions';
export { BrookObservability, type BrookAlarms } from './observability';
export { BrookStorageClass, type BrookAlarmProps, type BrookAuthorization, type BrookClusterProps, type BrookEndpoint, type BrookFunctionName } from './props';
export { BrookStorage, type SegmentAccess } from './storage';
