import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { Construct } from 'constructs';
import { TABLE_KEYS } from '../../shared/adapters/dynamo/keys';
import { EVIDENCE_PACK_RETENTION_DAYS, EVIDENCE_PREFIX } from '../../shared/adapters/s3';

/** Key prefix of browser uploads (presigned POST); the `s3` functions are notified for objects created under it. */
export const UPLOAD_PREFIX = 'uploads/';

/** Pieces and their history are kept 10 years and cannot be altered (docs/rules/documents.md#retention-and-the-audit-trail). */
export const DEFAULT_RETENTION_DAYS = 3650;

export interface StorageProps {
  /** Origins allowed to upload from a browser with presigned POST forms (default: any; the signed policy is the guard). */
  readonly uploadOrigins?: string[];
  /** Keep data when the stack is deleted (default: true). */
  readonly retainData?: boolean;
  /** Table deletion protection (default: true; the stack turns it off outside production). */
  readonly deletionProtection?: boolean;
  /**
   * Object Lock default retention of every document version, in days (default 3650 = 10 years, docs/rules/documents.md#retention-and-the-audit-trail).
   * `0` creates the bucket without Object Lock (throw-away development stacks only: Object Lock cannot be removed
   * from a bucket once enabled, and locked versions block the bucket's deletion).
   */
  readonly retentionDays?: number;
  /** Days the S3 server access logs are kept (default 365). */
  readonly accessLogsRetentionDays?: number;
  /**
   * Keep the index that GSI1 replaces (`GSI1`, projecting ALL) beside it: the first of the two deployments that move
   * an existing table onto the new projection (docs/DESIGN.md#the-table). Default false: a fresh deployment creates
   * the current indexes only.
   */
  readonly keepLegacyIndex?: boolean;
}

/**
 * The single DynamoDB table (source of truth) and the documents bucket. The embedded platform creates its local
 * table from this construct's definition (`infra/local`), so there is one schema, not two.
 */
export class Storage extends Construct {
  readonly table: dynamodb.Table;
  readonly bucket: s3.Bucket;
  /** Destination of the documents bucket's server access logs. */
  readonly accessLogsBucket: s3.Bucket;
  /** Names of the table's global secondary indexes (for index-scoped IAM grants). */
  readonly indexNames: readonly string[];
  readonly retentionDays: number;

  constructor(scope: Construct, id: string, props: StorageProps = {}) {
    super(scope, id);
    // Log delivery through a bucket policy (the log bucket keeps ACLs disabled) rather than the legacy ACL grant.
    this.node.setContext(cxapi.S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY, true);
    const removalPolicy = props.retainData === false ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;
    const str = dynamodb.AttributeType.STRING;
    this.retentionDays = props.retentionDays ?? DEFAULT_RETENTION_DAYS;
    if (!Number.isInteger(this.retentionDays) || this.retentionDays < 0) {
      throw new Error(`retentionDays must be a non-negative integer, got ${this.retentionDays}`);
    }

    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: TABLE_KEYS.partitionKey, type: str },
      sortKey: { name: TABLE_KEYS.sortKey, type: str },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: TABLE_KEYS.ttlAttribute,
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      deletionProtection: props.deletionProtection ?? true,
      removalPolicy,
    });
    // Each index projects what its readers take from its entries (keys.ts, docs/DESIGN.md#the-table)
    const { gsi1, gsi2 } = TABLE_KEYS;
    this.table.addGlobalSecondaryIndex({
      indexName: gsi1.name,
      partitionKey: { name: gsi1.partitionKey, type: str },
      sortKey: { name: gsi1.sortKey, type: str },
      projectionType: dynamodb.ProjectionType.INCLUDE,
      nonKeyAttributes: [...gsi1.nonKeyAttributes],
    });
    this.table.addGlobalSecondaryIndex({
      indexName: gsi2.name,
      partitionKey: { name: gsi2.partitionKey, type: str },
      sortKey: { name: gsi2.sortKey, type: str },
      projectionType: dynamodb.ProjectionType.ALL,
    });
    const names: string[] = [gsi1.name, gsi2.name];
    if (props.keepLegacyIndex) {
      // Same keys, the former projection: still read by the functions of the deployment being replaced
      this.table.addGlobalSecondaryIndex({
        indexName: gsi1.legacyName,
        partitionKey: { name: gsi1.partitionKey, type: str },
        sortKey: { name: gsi1.sortKey, type: str },
        projectionType: dynamodb.ProjectionType.ALL,
      });
      names.push(gsi1.legacyName);
    }
    this.indexNames = names;

    this.accessLogsBucket = new s3.Bucket(this, 'AccessLogs', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      // S3 server access logs can only be delivered to a bucket with SSE-S3 default encryption.
      encryption: s3.BucketEncryption.S3_MANAGED,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      removalPolicy,
      lifecycleRules: [{ expiration: Duration.days(props.accessLogsRetentionDays ?? 365) }],
    });

    this.bucket = new s3.Bucket(this, 'Documents', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: 'documents/',
      // Object Lock, GOVERNANCE mode: every version is kept `retentionDays` (10 years, docs/rules/documents.md#retention-and-the-audit-trail: pieces are
      // kept 10 years and cannot be altered). GOVERNANCE rather than COMPLIANCE so that a named administrator
      // holding s3:BypassGovernanceRetention can still purge a file that must legally go (e.g. a personal-data
      // erasure order), which COMPLIANCE would make impossible for anyone, AWS included.
      objectLockEnabled: this.retentionDays > 0 ? true : undefined,
      objectLockDefaultRetention:
        this.retentionDays > 0 ? s3.ObjectLockRetention.governance(Duration.days(this.retentionDays)) : undefined,
      removalPolicy,
      lifecycleRules: [
        { abortIncompleteMultipartUploadAfter: Duration.days(1) },
        // Refused uploads and the files of deleted drafts are hidden by a delete marker (their version stays locked):
        // S3 removes such a hidden version once its retention has passed, then the marker left alone.
        { id: 'HiddenVersions', noncurrentVersionExpiration: Duration.days(1), expiredObjectDeleteMarker: true },
        // Evidence packs are locked for 30 days by the function that writes them, not 10 years (each request builds
        // a new one from the documents and the trail): hidden after 30 days, then removed by the rule above.
        { id: 'EvidencePacks', prefix: EVIDENCE_PREFIX, expiration: Duration.days(EVIDENCE_PACK_RETENTION_DAYS) },
      ],
      cors: [
        {
          allowedMethods: [s3.HttpMethods.POST, s3.HttpMethods.GET, s3.HttpMethods.HEAD],
          allowedOrigins: props.uploadOrigins?.length ? props.uploadOrigins : ['*'],
          allowedHeaders: ['*'],
          exposedHeaders: ['ETag', 'Location'],
          maxAge: Duration.hours(1).toSeconds(),
        },
      ],
    });
  }

  /** Logical ID of the documents bucket: cdk-nag names the bucket by it in IAM5 findings. */
  bucketLogicalId(): string {
    return Stack.of(this).getLogicalId(this.bucket.node.defaultChild as s3.CfnBucket);
  }
}
