// The admin data role (docs/TENANCY.md "The deployment's admin"): what the console API's function
// becomes for the deployment admin's routes only (GET /admin/tenants, /admin/usage, PUT
// /admin/tenants/{id}/plan), never for a tenant's request (those run as the tenant data role, and
// the function's own role holds no DynamoDB grant at all). It reaches two tables, each grant held
// to the attributes the admin's code names (IAM fine-grained access,
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_examples_dynamodb_attributes.html):
//
// - tenants: Scan, GetItem of the meta, member, index and usage fields only (never a tenant's
//   `notify` item's Discord URL, never a Telegram link's fields); UpdateItem of a meta's `plan` and
//   `planHistory` only;
// - accounts: BatchGetItem of `accountId`, `exchange`, `status`, `deletedAt` only (a live slot),
//   never an account's keys, token hash, settings or balances.
//
// Reads carry `dynamodb:Select` SPECIFIC_ATTRIBUTES where the request has one, as AWS's example;
// the code sends it with every projection. No other table, no Query, no PartiQL.
import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { ArnPrincipal, type IRole, PolicyStatement, Role } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { TableName } from '../../shared/platform/resource-names';
import type { IamTableAction, TableGrant } from '../../shared/platform/table-access';

const WRITES: readonly IamTableAction[] = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'];

export interface AdminDataRoleProps {
  /** the role that assumes it (the console API function's) */
  assumedBy: IRole;
  tables: Record<TableName, ITable>;
  /** adminDataGrants() of shared/platform/table-access.ts */
  grants: readonly TableGrant[];
  /** ADMIN_ATTRIBUTES of shared/platform/table-access.ts */
  attributes: Partial<Record<TableName, { read: readonly string[]; write?: readonly string[] }>>;
  description: string;
}

/** The condition that holds a grant to these attributes. */
export const attributesCondition = (attributes: readonly string[], select: boolean) => ({
  'ForAllValues:StringEquals': { 'dynamodb:Attributes': [...attributes] },
  ...(select ? { StringEqualsIfExists: { 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES' } } : {}),
});

export class AdminDataRole extends Construct {
  readonly role: Role;

  constructor(scope: Construct, id: string, props: AdminDataRoleProps) {
    super(scope, id);
    this.role = new Role(this, 'Role', {
      assumedBy: new ArnPrincipal(props.assumedBy.roleArn),
      description: props.description,
      maxSessionDuration: Duration.hours(1),
    });
    for (const grant of props.grants) {
      const table = props.tables[grant.table];
      const attributes = props.attributes[grant.table];
      // a grant without its attribute list would read whole items: refused at synth
      if (!attributes) throw new Error(`the admin data role's ${grant.table} grant names no attributes`);
      const reads = grant.actions.filter((a) => !WRITES.includes(a));
      const writes = grant.actions.filter((a) => WRITES.includes(a));
      if (reads.length)
        this.role.addToPolicy(
          new PolicyStatement({
            actions: reads,
            resources: [table.tableArn],
            conditions: attributesCondition(attributes.read, true),
          }),
        );
      if (writes.length) {
        if (!attributes.write) throw new Error(`the admin data role's ${grant.table} writes name no attributes`);
        this.role.addToPolicy(
          new PolicyStatement({
            actions: writes,
            resources: [table.tableArn],
            conditions: attributesCondition(attributes.write, false),
          }),
        );
      }
    }
    props.assumedBy.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['sts:AssumeRole'], resources: [this.role.roleArn] }),
    );
  }
}
