// Every function role against what its code needs from DynamoDB. "Needed" is computed from the
// code, not from the manifest the stack grants from: the repository classes' own declarations
// (held to the commands they send by test/unit/adapters/dynamodb/table-access.test.ts) for the
// repositories each function's runtime builds (held to the builders by
// test/unit/runtime/table-access.test.ts). The stand-ins enforce no IAM, so this is where a
// repository call the role cannot make fails before AWS says AccessDenied.
import { Template } from 'aws-cdk-lib/assertions';
import type { SecureFunction } from '../../infra/constructs/secure-function';
import type { StatelessStack } from '../../infra/stacks/stateless-stack';
import { TABLE_NAMES, type Stage, type TableName } from '../../shared/platform/resource-names';
import { FUNCTION_REPOSITORIES, type FunctionName } from '../../shared/platform/table-access';
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
  notifier: (s) => s.notifier,
  report: (s) => s.report,
  telegramBot: (s) => s.telegramBot,
  consoleApi: (s) => s.consoleApiFunction,
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
function granted(stage: Stage, fn: FunctionName): { onTables: string[]; other: string[] } {
  const { stateful, stateless } = builtApp(stage);
  const subject = FUNCTIONS[fn](stateless);
  if (!subject) throw new Error(`${fn} is not in the ${stage} app`);
  const dynamo = grants(roleStatements(Template.fromStack(stateless), stateless, subject.role)).filter((g) =>
    g.action.startsWith('dynamodb:'),
  );
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

describe.each(['prod', 'dev'] as const)('%s: DynamoDB grants against the code', (stage) => {
  it.each(Object.keys(FUNCTIONS) as FunctionName[])(
    '%s: every table action its repositories need is granted, and nothing else',
    (fn) => {
      const want = needed(fn);
      const { onTables, other } = granted(stage, fn);
      expect({ fn, missing: want.filter((pair) => !onTables.includes(pair)) }).toEqual({ fn, missing: [] });
      expect({ fn, beyondTheCode: onTables.filter((pair) => !want.includes(pair)) }).toEqual({ fn, beyondTheCode: [] });
      expect({ fn, otherDynamoGrants: other }).toEqual({ fn, otherDynamoGrants: [...(EXTRAS[fn] ?? [])].sort() });
    },
  );
});
