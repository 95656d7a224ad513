// Who can open the exchange keys: the synthesized prod template's credentials key policy, the
// operator policy the CLI runs under, and the optional CloudTrail alarm on anyone else's Decrypt.
import { Template } from 'aws-cdk-lib/assertions';
import { TABLE_NAMES } from '../../shared/platform/resource-names';
import { buildApp } from '../../infra/app-factory';
import {
  bareApp,
  builtApp,
  grants,
  logicalId,
  PROJECT_ROOT,
  refersTo,
  roleStatements,
  TEST_ALARM_EMAIL,
  testApp,
  type Statement,
} from './support';

const built = () => builtApp('prod');
const stateful = () => Template.fromStack(built().stateful);
const stateless = () => Template.fromStack(built().stateless);

/** A synthesized value as text, pseudo parameters as <AWS::Name> (what `Fn::Join` of them gives). */
function render(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined || value === null) return '';
  const o = value as Record<string, unknown>;
  if (typeof o.Ref === 'string') return `<${o.Ref}>`;
  const join = o['Fn::Join'] as [string, unknown[]] | undefined;
  if (join) return join[1].map(render).join(join[0]);
  return JSON.stringify(value);
}

/** IAM action glob: `kms:Get*` covers kms:GetKeyPolicy. */
const covers = (pattern: string, action: string): boolean =>
  new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`, 'i').test(action);
const list = <T>(x: T | T[]): T[] => (Array.isArray(x) ? x : [x]);

interface KeyStatement extends Statement {
  Sid?: string;
  Principal: unknown;
}

function keyPolicy(): KeyStatement[] {
  const { stateful: stack } = built();
  const key = stateful().toJSON().Resources[logicalId(stack, stack.credentialsKey.node.defaultChild)];
  return key.Properties.KeyPolicy.Statement as KeyStatement[];
}

/** Allow statements of the key policy that let someone do `action`. */
const allowing = (action: string) =>
  keyPolicy().filter((s) => s.Effect === 'Allow' && list(s.Action).some((a) => covers(a, action)));

/** The ARN a role of the template gets: its RoleName under the default path. */
function roleArnOf(template: Template, roleLogicalId: string): string {
  return `arn:<AWS::Partition>:iam::<AWS::AccountId>:role/${render(template.toJSON().Resources[roleLogicalId].Properties.RoleName)}`;
}

const principalArns = (s: KeyStatement): string[] =>
  list((s.Condition?.ArnEquals?.['aws:PrincipalArn'] ?? []) as unknown[])
    .map(render)
    .sort();

describe('credentials key policy (prod)', () => {
  it('gives nobody kms:* nor any wildcard that covers using the key', () => {
    for (const s of keyPolicy()) {
      for (const a of list(s.Action)) {
        expect(a).not.toBe('kms:*');
        for (const use of [
          'kms:Decrypt',
          'kms:ReEncryptFrom',
          'kms:ReEncryptTo',
          'kms:CreateGrant',
          'kms:GenerateDataKey',
          'kms:Encrypt',
        ]) {
          if (a !== use) expect({ action: a, covers: covers(a, use) }).toEqual({ action: a, covers: false });
        }
      }
    }
  });

  it('lets only the executor and risk-check roles decrypt, and only with an accountId encryption context', () => {
    const { stateless: stack } = built();
    const decrypters = allowing('kms:Decrypt');
    const expected = [built().stateless.executor, built().stateless.riskCheck]
      .map((f) => roleArnOf(stateless(), logicalId(stack, f.role.node.defaultChild)))
      .sort();

    expect(decrypters).toHaveLength(1);
    expect(principalArns(decrypters[0]!)).toEqual(expected);
    expect(decrypters[0]!.Condition?.StringLike).toEqual({ 'kms:EncryptionContext:accountId': '*' });
  });

  it('names roles that exist with those names (the executor and risk-check execution roles)', () => {
    const names = Object.values(stateless().findResources('AWS::IAM::Role')).map((r) => render(r.Properties.RoleName));
    expect(names).toEqual(
      expect.arrayContaining(['tvat-prod-executor-<AWS::Region>', 'tvat-prod-risk-check-<AWS::Region>']),
    );
  });

  it('lets only the operator role seal credentials (GenerateDataKey), with the accountId context', () => {
    const { stateful: stack } = built();
    const sealers = allowing('kms:GenerateDataKey');

    expect(sealers).toHaveLength(1);
    expect(principalArns(sealers[0]!)).toEqual([
      roleArnOf(stateful(), logicalId(stack, stack.operatorAccess.role.node.defaultChild)),
    ]);
    expect(sealers[0]!.Condition?.StringLike).toEqual({ 'kms:EncryptionContext:accountId': '*' });
  });

  it('keeps key administration with the account root, so the key stays manageable', () => {
    const admin = keyPolicy().find((s) => s.Sid === 'KeyAdministration');
    expect(render((admin?.Principal as { AWS: unknown }).AWS)).toBe('arn:<AWS::Partition>:iam::<AWS::AccountId>:root');
    expect(admin?.Condition).toBeUndefined();
    for (const needed of [
      'kms:PutKeyPolicy',
      'kms:GetKeyPolicy',
      'kms:EnableKeyRotation',
      'kms:DisableKey',
      'kms:ScheduleKeyDeletion',
      'kms:CancelKeyDeletion',
      'kms:TagResource',
      'kms:CreateAlias',
      'kms:DescribeKey',
    ]) {
      expect(list(admin!.Action).some((a) => covers(a, needed))).toBe(true);
    }
  });
});

describe('operator access (prod)', () => {
  const operatorGrants = () => {
    const { stateful: stack } = built();
    return grants(roleStatements(stateful(), stack, stack.operatorAccess.role).concat(managedPolicyStatements()));
  };
  function managedPolicyStatements(): Statement[] {
    const { stateful: stack } = built();
    const policy = stateful().toJSON().Resources[logicalId(stack, stack.operatorAccess.policy.node.defaultChild)];
    return policy.Properties.PolicyDocument.Statement as Statement[];
  }

  it('attaches the managed policy to the operator role', () => {
    const { stateful: stack } = built();
    const role = stateful().toJSON().Resources[logicalId(stack, stack.operatorAccess.role.node.defaultChild)];
    expect(role.Properties.ManagedPolicyArns).toEqual([
      { Ref: logicalId(stack, stack.operatorAccess.policy.node.defaultChild) },
    ]);
  });

  it('has no kms:Decrypt, and GenerateDataKey only on the credentials key with the accountId context', () => {
    const { stateful: stack } = built();
    const kms = operatorGrants().filter((g) => g.action.startsWith('kms:'));
    expect(kms.map((g) => g.action)).toEqual(['kms:GenerateDataKey']);
    expect(refersTo(kms[0]?.resource, logicalId(stack, stack.credentialsKey.node.defaultChild))).toBe(true);
    expect(kms[0]?.condition).toEqual({ StringLike: { 'kms:EncryptionContext:accountId': '*' } });
    expect(operatorGrants().some((g) => covers(g.action, 'kms:Decrypt'))).toBe(false);
  });

  it("reaches the stage's tables item by item, the signal queue by name, the console's users and parameters, and nothing else", () => {
    const { stateful: stack } = built();
    const resources = operatorGrants()
      .filter((g) => g.action.startsWith('dynamodb:'))
      .map((g) => g.resource);
    for (const r of resources)
      expect(TABLE_NAMES.some((t) => refersTo(r, logicalId(stack, stack.tables[t].node.defaultChild)))).toBe(true);
    expect(operatorGrants().some((g) => g.resource === '*' || String(render(g.resource)).endsWith('*'))).toBe(false);
    const sqs = operatorGrants().filter((g) => g.action.startsWith('sqs:'));
    expect(sqs.map((g) => g.action).sort()).toEqual(['sqs:GetQueueUrl', 'sqs:SendMessage']);
    expect(render(sqs[0]?.resource)).toBe(
      'arn:<AWS::Partition>:sqs:<AWS::Region>:<AWS::AccountId>:tvat-prod-signals.fifo',
    );
    expect(
      operatorGrants()
        .map((g) => g.action.split(':')[0])
        // cognito-idp and ssm: the console's user pool and parameters (test/infra/console.test.ts)
        .filter((svc) => !['dynamodb', 'kms', 'sqs', 'cognito-idp', 'ssm'].includes(svc!)),
    ).toEqual([]);
  });

  it('outputs the role and the policy', () => {
    const outputs = Object.keys(stateful().findOutputs('*'));
    expect(outputs).toEqual(expect.arrayContaining(['OperatorRoleArn', 'OperatorPolicyArn']));
  });
});

describe('alarm on anyone else decrypting the credentials (stage option keyAudit)', () => {
  it('is off by default', () => {
    const t = Template.fromStack(bareApp('prod').stateful);
    t.resourceCountIs('AWS::Logs::MetricFilter', 0);
    expect(bareApp('prod').stateful.credentialsDecryptAlarm).toBeUndefined();
  });

  it("counts Decrypt events on this key by any principal but the two roles, from the trail's log group, and alarms the topic", () => {
    const withAudit = buildApp('prod', testApp(), {
      env: {},
      alarmEmail: TEST_ALARM_EMAIL,
      projectRoot: PROJECT_ROOT,
      keyAuditTrailLogGroup: 'aws-cloudtrail-logs-main',
    });
    const t = Template.fromStack(withAudit.stateful);
    const filters = Object.values(t.findResources('AWS::Logs::MetricFilter'));
    expect(filters).toHaveLength(1);
    const filter = filters[0]!.Properties;
    expect(filter.LogGroupName).toBe('aws-cloudtrail-logs-main');
    const pattern = render(filter.FilterPattern);
    expect(pattern).toContain('($.eventName = "Decrypt")');
    expect(pattern).toContain('($.eventSource = "kms.amazonaws.com")');
    expect(pattern).toContain(`($.resources[0].ARN = "`);
    expect(pattern).toContain(
      '($.userIdentity.arn != "arn:<AWS::Partition>:sts::<AWS::AccountId>:assumed-role/tvat-prod-executor-<AWS::Region>/*")',
    );
    expect(pattern).toContain(
      '($.userIdentity.arn != "arn:<AWS::Partition>:sts::<AWS::AccountId>:assumed-role/tvat-prod-risk-check-<AWS::Region>/*")',
    );
    const alarm = Object.values(t.findResources('AWS::CloudWatch::Alarm'))[0]!.Properties;
    expect(alarm).toMatchObject({
      MetricName: filter.MetricTransformations[0].MetricName,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    expect(
      refersTo(alarm.AlarmActions, logicalId(withAudit.stateful, withAudit.stateful.alarmTopic.node.defaultChild)),
    ).toBe(true);
  });

  it('refuses a log group name CloudWatch would not accept', () => {
    expect(() =>
      buildApp('prod', testApp(), {
        env: {},
        alarmEmail: TEST_ALARM_EMAIL,
        projectRoot: PROJECT_ROOT,
        keyAuditTrailLogGroup: 'bad name!',
      }),
    ).toThrow(/keyAudit.trailLogGroupName "bad name!"/);
  });
});
