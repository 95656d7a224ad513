// Every function role against what its code needs from DynamoDB. "Needed" is computed from the
// code, not from the manifest the stack grants from: the repository classes' own declarations
// (held to the commands they send by test/unit/adapters/dynamodb/table-access.test.ts) for the
// repositories each function's runtime builds (held to the builders by
// test/unit/runtime/table-access.test.ts). The stand-ins enforce no IAM, so this is where a
// repository call the role cannot make fails before AWS says AccessDenied.
import { Template } from 'aws-cdk-lib/assertions';
import type { IRole } from 'aws-cdk-lib/aws-iam';
import type { SecureFunction } from '../../infra/constructs/secure-function';
import type { StatelessStack } from '../../infra/stacks/stateless-stack';
import { TABLE_NAMES, type Stage, type TableName } from '../../shared/platform/resource-names';
import { FUNCTION_REPOSITORIES, TENANT_SCOPED_FUNCTIONS, type FunctionName } from '../../shared/platform/table-access';
import { LEADING_KEYS_CONDITION } from '../../infra/constructs/tenant-data-role';
import { REPOSITORY_CLASSES } from '../unit/adapters/dynamodb/repository-classes';
import { builtApp, grants, logicalId, refersTo, roleStatements } from './support';

/**
 * Documented grants beyond the repositories: the notifier reads the audit table's stream (its
 * event source), never the table; infra/stacks/stateless-stack.ts grants these on the stream ARN.
 */
const EXTRAS: Partial<Record<FunctionName, readonly string[]>> = {
  notifier: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams'],
};

const FUNCTIONS: Record<FunctionName, (s: StatelessStack) => SecureFunction | undefined> = {
  webhook: (s) => s.webhook,
  executor: (s) => s.executor,
  paperTick: (s) => s.paperTick,
  riskCheck: (s) => s.riskCheck,
  strategyRunner: (s) => s.strategyRunner,
  fundingArb: (s) => s.fundingArb,
  notifier: (s) => s.notifier,
  report: (s) => s.report,
  telegramBot: (s) => s.telegramBot,
  consoleApi: (s) => s.consoleApiFunction,
  sliceTimer: (s) => s.sliceTimer,
};

/** "table action" pairs the function's code needs, from the repository classes' declarations */
function needed(fn: FunctionName): string[] {
  const pairs = new Set<string>();
  for (const name of FUNCTION_REPOSITORIES[fn]) {
    const { table, actions } = REPOSITORY_CLASSES[name].tableAccess;
    for (const action of actions) pairs.add(`${table} ${action}`);
  }
  return [...pairs].sort();
}

/** "table action" pairs the synthesized role grants on table ARNs, and every other DynamoDB grant */
function granted(
  stage: Stage,
  fn: FunctionName,
  role?: (s: StatelessStack) => IRole,
): { onTables: string[]; other: string[] } {
  const { stateful, stateless } = builtApp(stage);
  const subject = FUNCTIONS[fn](stateless);
  if (!subject) throw new Error(`${fn} is not in the ${stage} app`);
  const dynamo = grants(
    roleStatements(Template.fromStack(stateless), stateless, role ? role(stateless) : subject.role),
  ).filter((g) => g.action.startsWith('dynamodb:'));
  const onTables: string[] = [];
  const other: string[] = [];
  for (const g of dynamo) {
    const ref = JSON.stringify(g.resource);
    // the table ARN itself: an export of the stateful stack's table Arn attribute (not its stream)
    const table = TABLE_NAMES.find((name: TableName) =>
      refersTo(g.resource, logicalId(stateful, stateful.tables[name].node.defaultChild)),
    );
    if (table && !/StreamArn|\/index\//.test(ref)) onTables.push(`${table} ${g.action}`);
    else other.push(g.action);
  }
  return { onTables: [...new Set(onTables)].sort(), other: [...new Set(other)].sort() };
}

const OWN_ROLE = (Object.keys(FUNCTIONS) as FunctionName[]).filter((fn) => !TENANT_SCOPED_FUNCTIONS.includes(fn));

describe.each(['prod', 'dev'] as const)('%s: DynamoDB grants against the code', (stage) => {
  it.each(OWN_ROLE)('%s: every table action its repositories need is granted, and nothing else', (fn) => {
    const want = needed(fn);
    const { onTables, other } = granted(stage, fn);
    expect({ fn, missing: want.filter((pair) => !onTables.includes(pair)) }).toEqual({ fn, missing: [] });
    expect({ fn, beyondTheCode: onTables.filter((pair) => !want.includes(pair)) }).toEqual({ fn, beyondTheCode: [] });
    expect({ fn, otherDynamoGrants: other }).toEqual({ fn, otherDynamoGrants: [...(EXTRAS[fn] ?? [])].sort() });
  });
});

// The console API reaches the tables only as the tenant data role (docs/TENANCY.md): its own role
// holds no DynamoDB grant at all, and the tenant data role holds what its repositories need, Scan
// aside (a Scan names no leading key: ForAllValues over nothing is true), each grant under the
// LeadingKeys condition on the session's tenant tag.
describe.each(['prod', 'dev'] as const)('%s: the tenant data role', (stage) => {
  it('the console API function itself holds no DynamoDB grant', () => {
    expect(granted(stage, 'consoleApi')).toEqual({ onTables: [], other: [] });
  });

  it('holds every table action the console API needs but Scan, and nothing else', () => {
    const want = needed('consoleApi').filter((pair) => !pair.endsWith(' dynamodb:Scan'));
    expect(want.length).toBeGreaterThan(10);
    const { onTables, other } = granted(stage, 'consoleApi', (s) => s.tenantDataRole.role);
    expect(onTables).toEqual(want);
    expect(other).toEqual([]);
  });

  it('every one of its DynamoDB grants is held to the tenant by dynamodb:LeadingKeys, the public market data’s Query to price#* and funding#* alone', () => {
    const { stateful, stateless } = builtApp(stage);
    const statements = roleStatements(Template.fromStack(stateless), stateless, stateless.tenantDataRole.role);
    const allows = grants(statements).filter((g) => g.action.startsWith('dynamodb:'));
    expect(allows.length).toBeGreaterThan(0);
    const publicRead = (prefix: string) => ({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${prefix}*`] } });
    const riskTable = logicalId(stateful, stateful.tables.risk.node.defaultChild);
    const pub = allows.filter((g) =>
      ['price#', 'funding#'].some((prefix) => JSON.stringify(g.condition) === JSON.stringify(publicRead(prefix))),
    );
    expect(
      pub.map((g) => ({ action: g.action, risk: refersTo(g.resource, riskTable), on: JSON.stringify(g.condition) })),
    ).toEqual([
      { action: 'dynamodb:Query', risk: true, on: JSON.stringify(publicRead('price#')) },
      { action: 'dynamodb:Query', risk: true, on: JSON.stringify(publicRead('funding#')) },
    ]);
    for (const g of allows.filter((a) => !pub.includes(a)))
      expect({ action: g.action, condition: g.condition }).toEqual({
        action: g.action,
        condition: LEADING_KEYS_CONDITION,
      });
  });
});
