import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { CfnDirectoryBucket } from 'aws-cdk-lib/aws-s3express';
import { Construct } from 'constructs';
import { BATCHES_TABLE_KEYS, METADATA_TABLE_KEYS } from '../lib/metadata/table-schemas';
import { acknowledge, nagResource } from './nag';
import { BrookStorageClass } from './props';

/** Segment objects live under this prefix (lib/storage/segment-store.ts); grants stop there. */
export const SEGMENTS_PREFIX = 'segments/';

/** write: PutObject (produce); read: GetObject (fetch, groups); maintain: get, put, delete and list. */
export type SegmentAccess = 'write' | 'read' | 'maintain';

export interface BrookStorageProps {
  readonly removalPolicy: RemovalPolicy;
  readonly storageClass: BrookStorageClass;
  readonly bucket?: s3.IBucket;
  readonly tables?: { readonly metadata: dynamodb.ITable; readonly batches: dynamodb.ITable };
}

const ATTRIBUTE_TYPES = { S: dynamodb.AttributeType.STRING, N: dynamodb.AttributeType.NUMBER } as const;
type Keys = typeof METADATA_TABLE_KEYS | typeof BATCHES_TABLE_KEYS;

/**
 * Where Brook's state lives: the segment bucket (general purpose, or an S3 Express One Zone
 * directory bucket) and the two tables, new or brought by the user, with the grants each
 * function needs and nothing more.
 */
export class BrookStorage extends Construct {
  /** The name functions get in BROOK_BUCKET. */
  readonly bucketName: string;
  /** The general-purpose bucket (storage class STANDARD). */
  readonly bucket?: s3.IBucket;
  /** The directory bucket (storage class EXPRESS_ONE_ZONE). */
  readonly directoryBucket?: CfnDirectoryBucket;
  readonly metadataTable: dynamodb.ITable;
  readonly batchesTable: dynamodb.ITable;

  constructor(scope: Construct, id: string, props: BrookStorageProps) {
    super(scope, id);
    const { removalPolicy } = props;
    if (props.storageClass.name === 'EXPRESS_ONE_ZONE') {
      this.directoryBucket = new CfnDirectoryBucket(this, 'ExpressSegments', {
        dataRedundancy: 'SingleAvailabilityZone',
        locationName: props.storageClass.availabilityZoneId!,
        // Always SSE-S3 and HTTPS-only for directory buckets; stated for the reader.
        bucketEncryption: { serverSideEncryptionConfiguration: [{ serverSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }] },
        lifecycleConfiguration: { rules: [{ id: 'abort-incomplete-uploads', status: 'Enabled', abortIncompleteMultipartUpload: { daysAfterInitiation: 1 } }] },
      });
      this.directoryBucket.applyRemovalPolicy(removalPolicy);
      this.bucketName = this.directoryBucket.ref;
    } else {
      this.bucket = props.bucket ?? this.newBucket(removalPolicy);
      this.bucketName = this.bucket.bucketName;
    }
    // Idempotent-producer state and member liveness expire (lib/metadata/producer-state.ts, group-store.ts).
    this.metadataTable = props.tables?.metadata ?? this.table('Metadata', METADATA_TABLE_KEYS, removalPolicy, 'expiresAt');
    this.batchesTable = props.tables?.batches ?? this.table('Batches', BATCHES_TABLE_KEYS, removalPolicy);
  }

  private newBucket(removalPolicy: RemovalPolicy): s3.Bucket {
    const bucket = new s3.Bucket(this, 'Segments', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // Segments are written once under random keys and never overwritten: versions add nothing.
      versioned: false,
      lifecycleRules: [{ abortIncompleteMultipartUploadAfter: Duration.days(1) }],
      removalPolicy,
    });
    acknowledge(
      bucket,
      'S1',
      'Only Brook functions touch this bucket, by their own roles; API access logs name every caller and the functions count every S3 request. ' +
        'Server access logs would need a second bucket and a log object per few requests; enable CloudTrail S3 data events when an object-level audit trail is required.',
    );
    return bucket;
  }

  private table(id: string, keys: Keys, removalPolicy: RemovalPolicy, timeToLiveAttribute?: string): dynamodb.Table {
    return new dynamodb.Table(this, id, {
      partitionKey: { name: keys.partitionKey.name, type: ATTRIBUTE_TYPES[keys.partitionKey.type] },
      sortKey: { name: keys.sortKey.name, type: ATTRIBUTE_TYPES[keys.sortKey.type] },
      // On demand: nothing to pay when idle, no capacity to plan.
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // A retained (production) table cannot be deleted by accident; a DESTROY stack can go.
      deletionProtection: removalPolicy !== RemovalPolicy.DESTROY,
      timeToLiveAttribute,
      removalPolicy,
    });
  }

  /** Segment access for one function's role: its own actions on segments/ and nothing else. */
  grantSegments(role: iam.Role, access: SegmentAccess): void {
    if (this.directoryBucket) {
      // Directory buckets authorize sessions, not object actions: a ReadOnly session reads, a
      // ReadWrite session reads, writes and deletes anywhere in the bucket (docs/DEPLOY.md).
      role.addToPolicy(
        new iam.PolicyStatement({
          actions: ['s3express:CreateSession'],
          resources: [this.directoryBucket.attrArn],
          conditions: { StringEquals: { 's3express:SessionMode': access === 'read' ? 'ReadOnly' : 'ReadWrite' } },
        }),
      );
      return;
    }
    const bucket = this.bucket!;
    const segments = bucket.arnForObjects(`${SEGMENTS_PREFIX}*`);
    // Explicit statements: bucket.grantPut/grantRead add s3:Abort*, s3:GetObject*, s3:List*.
    const actions = { write: ['s3:PutObject'], read: ['s3:GetObject'], maintain: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'] }[access];
    role.addToPolicy(new iam.PolicyStatement({ actions, resources: [segments] }));
    if (access === 'maintain') {
      role.addToPolicy(
        new iam.PolicyStatement({
          actions: ['s3:ListBucket'],
          resources: [bucket.bucketArn],
          conditions: { StringLike: { 's3:prefix': [`${SEGMENTS_PREFIX}*`] } },
        }),
      );
    }
    acknowledge(
      role,
      `IAM5[Resource::${nagResource(role, segments)}]`,
      'Segment keys are random UUIDs chosen per produce request (lib/storage/segment-store.ts), so no fixed list of objects exists; ' +
        'the grant is limited to the segments/ prefix of this one bucket and to the actions this function calls.',
    );
  }

  /** Table access: read, or read and write, per table. */
  grantTables(role: iam.Role, access: { metadata: 'read' | 'write'; batches: 'read' | 'write' }): void {
    for (const [table, mode] of [
      [this.metadataTable, access.metadata],
      [this.batchesTable, access.batches],
    ] as const) {
      if (mode === 'write') table.grantReadWriteData(role);
      else table.grantReadData(role);
    }
  }
}
