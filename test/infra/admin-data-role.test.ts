// The admin data role as synthesized (docs/TENANCY.md "The deployment's admin"): trusted by the
// console API function's role alone; the function may assume it and is told its ARN, and still
// holds no DynamoDB grant of its own; its grants are exactly what the admin's repositories declare
// (tenants: Scan, GetItem, UpdateItem; accounts: BatchGetItem), each held to the attributes the
// admin's code names (reads: meta, members, index, counters; an account's live-slot fields; the
// write: a meta's plan and its history), and no LeadingKeys (the admin is of no tenant).
import { Template } from 'aws-cdk-lib/assertions';
import {
  ADMIN_ACCOUNT_READ_ATTRIBUTES,
  ADMIN_TENANT_READ_ATTRIBUTES,
  ADMIN_TENANT_WRITE_ATTRIBUTES,
} from '../../shared/adapters/dynamodb/tenant-admin-store';
import { TABLE_NAMES, type TableName } from '../../shared/platform/resource-names';
import { ADMIN_ATTRIBUTES, ADMIN_DATA_REPOSITORIES } from '../../shared/platform/table-access';
import { REPOSITORY_CLASSES } from '../unit/adapters/dynamodb/repository-classes';
import { builtApp, grants, logicalId, refersTo, roleStatements, type Statement } from './support';

describe('the admin attributes', () => {
  it('the manifest infra grants from names exactly what the admin store reads and writes', () => {
    expect([...ADMIN_ATTRIBUTES.tenants.read].sort()).toEqual([...ADMIN_TENANT_READ_ATTRIBUTES].sort());
    expect([...(ADMIN_ATTRIBUTES.tenants.write ?? [])].sort()).toEqual([...ADMIN_TENANT_WRITE_ATTRIBUTES].sort());
    expect([...ADMIN_ATTRIBUTES.accounts.read].sort()).toEqual([...ADMIN_ACCOUNT_READ_ATTRIBUTES].sort());
    // none of a tenant's secrets or an account's keys is among them
    for (const secret of ['discordWebhookUrl', 'telegramChatIds', 'emails', 'tenantRef', 'telegramUserId'])
      expect(ADMIN_ATTRIBUTES.tenants.read).not.toContain(secret);
    for (const secret of ['apiKey', 'secrets', 'keys', 'webhookTokenHash', 'settings', 'balance'])
      expect(ADMIN_ATTRIBUTES.accounts.read).not.toContain(secret);
  });
});

describe.each(['prod', 'dev'] as const)('%s: the admin data role', (stage) => {
  const { stateful, stateless } = builtApp(stage);
  const template = Template.fromStack(stateless);
  const roleId = logicalId(stateless, stateless.adminDataRole.role.node.defaultChild);
  const fnRole = stateless.consoleApiFunction.role;
  const fnRoleId = logicalId(stateless, fnRole.node.defaultChild);
  const role = (template.findResources('AWS::IAM::Role') as Record<string, { Properties: Record<string, unknown> }>)[
    roleId
  ]!;
  const statements = roleStatements(template, stateless, stateless.adminDataRole.role);
  const tableOf = (resource: unknown): TableName | undefined =>
    TABLE_NAMES.find((name) => refersTo(resource, logicalId(stateful, stateful.tables[name].node.defaultChild)));

  it("trusts only the console API function's role, for AssumeRole", () => {
    const trust = (role.Properties.AssumeRolePolicyDocument as { Statement: Statement[] }).Statement;
    expect(trust).toHaveLength(1);
    const [statement] = trust as [Statement & { Principal: { AWS: unknown } }];
    expect(statement.Effect).toBe('Allow');
    expect([statement.Action].flat()).toEqual(['sts:AssumeRole']);
    expect(JSON.stringify(statement.Principal.AWS)).toContain(fnRoleId);
    expect(role.Properties.MaxSessionDuration).toBe(3600);
  });

  it('the function may assume it and is told its ARN; the function role itself holds no DynamoDB grant', () => {
    const fnGrants = grants(roleStatements(template, stateless, fnRole));
    const assume = fnGrants.filter((g) => g.action === 'sts:AssumeRole' && refersTo(g.resource, roleId));
    expect(assume).toHaveLength(1);
    expect(fnGrants.filter((g) => g.action.startsWith('dynamodb:'))).toEqual([]);
    const fnId = logicalId(stateless, stateless.consoleApiFunction.fn.node.defaultChild);
    const fn = (
      template.findResources('AWS::Lambda::Function') as Record<string, { Properties: Record<string, unknown> }>
    )[fnId]!;
    const variables = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(JSON.stringify(variables.ADMIN_DATA_ROLE_ARN)).toContain(roleId);
  });

  it("holds exactly its repositories' table actions, on their tables, nothing else", () => {
    const want = new Set<string>();
    for (const name of ADMIN_DATA_REPOSITORIES) {
      const { table, actions } = REPOSITORY_CLASSES[name].tableAccess;
      for (const action of actions) want.add(`${table} ${action}`);
    }
    const all = grants(statements);
    const got = all.map((g) => `${tableOf(g.resource) ?? JSON.stringify(g.resource)} ${g.action}`);
    expect(got.sort()).toEqual([...want].sort());
    expect([...want].sort()).toEqual([
      'accounts dynamodb:BatchGetItem',
      'tenants dynamodb:GetItem',
      'tenants dynamodb:Scan',
      'tenants dynamodb:UpdateItem',
    ]);
    expect(statements.filter((s) => s.Effect !== 'Allow')).toEqual([]);
  });

  it('every grant is held to the attributes the admin names; reads ask SPECIFIC_ATTRIBUTES; no LeadingKeys', () => {
    for (const g of grants(statements)) {
      const table = tableOf(g.resource)!;
      const write = g.action === 'dynamodb:UpdateItem';
      const allowed = write ? ADMIN_ATTRIBUTES[table as 'tenants'].write : ADMIN_ATTRIBUTES[table as 'tenants'].read;
      expect({ action: g.action, table, condition: g.condition }).toEqual({
        action: g.action,
        table,
        condition: {
          'ForAllValues:StringEquals': { 'dynamodb:Attributes': [...allowed!] },
          ...(write ? {} : { StringEqualsIfExists: { 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES' } }),
        },
      });
      expect(JSON.stringify(g.condition)).not.toContain('LeadingKeys');
    }
  });
});
