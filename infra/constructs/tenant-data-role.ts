// The tenant data role (docs/TENANCY.md "Isolation at the data layer"): what the console API's
// function becomes for one tenant. The function assumes it with the session tag `tenant=<id>`
// (sts:AssumeRole + sts:TagSession); every DynamoDB grant of the role carries
//
//   "ForAllValues:StringLike": { "dynamodb:LeadingKeys": ["${aws:PrincipalTag/tenant}", "${aws:PrincipalTag/tenant}-*"] }
//
// so DynamoDB refuses any item, Query or batch whose partition key is not the tenant's id or one
// of its accounts (`<tenant>-<12 hex>`), whatever the handler asks
// (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/specifying-conditions.html).
// The role has no Scan (ForAllValues over a Scan's empty set of leading keys would be true) and
// denies it outright, with PartiQL, whose statements IAM cannot hold to a key.
import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import {
  ArnPrincipal,
  Effect,
  PolicyStatement,
  PrincipalWithConditions,
  type IRole,
  Role,
  SessionTagsPrincipal,
} from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { TableName } from '../../shared/platform/resource-names';
import type { TableGrant } from '../../shared/platform/table-access';

/** The session tag that names the tenant; the role's conditions read it back as aws:PrincipalTag/tenant. */
export const TENANT_TAG = 'tenant';

/** Tenant ids as IAM can match them: `acc`, or `t` and ten characters (shared/core/domain/tenant.ts). */
export const TENANT_TAG_PATTERNS = ['acc', 't??????????'] as const;

/**
 * What no tag may hold, since StringLike has no character class for "hex": a `-` (the tag would
 * match another tenant's `<tenant>-…` keys) or a wildcard character, named literally as IAM
 * escapes them (`${*}`, `${?}`), in case a tag's value were ever read as a pattern in
 * `${aws:PrincipalTag/tenant}-*`. With TENANT_TAG_PATTERNS the `t` ids left are ten characters
 * none of which can widen the LeadingKeys condition.
 */
export const TENANT_TAG_FORBIDDEN = ['*-*', '*${*}*', '*${?}*'] as const;

export const LEADING_KEYS_CONDITION = {
  'ForAllValues:StringLike': {
    'dynamodb:LeadingKeys': [`\${aws:PrincipalTag/${TENANT_TAG}}`, `\${aws:PrincipalTag/${TENANT_TAG}}-*`],
  },
} as const;

export interface TenantDataRoleProps {
  /** the role that assumes it (the console API function's) */
  assumedBy: IRole;
  tables: Record<TableName, ITable>;
  /** tenantDataGrants(fn) of shared/platform/table-access.ts */
  grants: readonly TableGrant[];
  /**
   * Partitions of no tenant a tenant may read (PUBLIC_READ_PARTITIONS: the live prices), each
   * granted its read actions under LeadingKeys `<prefix>*` alone: no write, no other key.
   */
  publicReads?: readonly { table: TableName; prefix: string; actions: readonly string[] }[];
  description: string;
}

export class TenantDataRole extends Construct {
  readonly role: Role;

  constructor(scope: Construct, id: string, props: TenantDataRoleProps) {
    super(scope, id);
    // Trust: only the function's role, only with one tag `tenant` shaped like a tenant id.
    const trusted = new SessionTagsPrincipal(
      new PrincipalWithConditions(new ArnPrincipal(props.assumedBy.roleArn), {
        Null: { [`aws:RequestTag/${TENANT_TAG}`]: 'false' },
        StringLike: { [`aws:RequestTag/${TENANT_TAG}`]: [...TENANT_TAG_PATTERNS] },
        StringNotLike: { [`aws:RequestTag/${TENANT_TAG}`]: [...TENANT_TAG_FORBIDDEN] },
        'ForAllValues:StringEquals': { 'aws:TagKeys': [TENANT_TAG] },
      }),
    );
    this.role = new Role(this, 'Role', {
      assumedBy: trusted,
      description: props.description,
      // a role chained from a Lambda role gets at most an hour anyway
      maxSessionDuration: Duration.hours(1),
    });
    const arns: string[] = [];
    for (const grant of props.grants) {
      const table = props.tables[grant.table];
      arns.push(table.tableArn);
      this.role.addToPolicy(
        new PolicyStatement({
          actions: [...grant.actions],
          resources: [table.tableArn, ...grant.indexes.map((index) => `${table.tableArn}/index/${index}`)],
          conditions: LEADING_KEYS_CONDITION,
        }),
      );
    }
    for (const read of props.publicReads ?? []) {
      // A literal prefix only: a wildcard in it would widen the condition past public rows.
      if (!/^[a-z]+#$/.test(read.prefix)) throw new Error(`public read prefix "${read.prefix}" must be letters and #`);
      this.role.addToPolicy(
        new PolicyStatement({
          actions: [...read.actions],
          resources: [props.tables[read.table].tableArn],
          conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${read.prefix}*`] } },
        }),
      );
    }
    this.role.addToPolicy(
      new PolicyStatement({
        effect: Effect.DENY,
        actions: [
          'dynamodb:Scan',
          'dynamodb:PartiQLSelect',
          'dynamodb:PartiQLInsert',
          'dynamodb:PartiQLUpdate',
          'dynamodb:PartiQLDelete',
        ],
        resources: arns,
      }),
    );
    props.assumedBy.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['sts:AssumeRole', 'sts:TagSession'], resources: [this.role.roleArn] }),
    );
  }
}
