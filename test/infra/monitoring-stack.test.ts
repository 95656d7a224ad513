import { Template } from 'aws-cdk-lib/assertions';
import { builtApp, logicalId, refersTo } from './support';

const built = () => builtApp('prod');
const template = () => Template.fromStack(built().monitoring);

interface AlarmProps {
  AlarmName: string;
  AlarmDescription?: string;
  AlarmActions: unknown[];
  MetricName: string;
  Namespace: string;
  Dimensions: { Name: string; Value: unknown }[];
  Threshold: number;
  ComparisonOperator: string;
  Period: number;
  Statistic?: string;
  ExtendedStatistic?: string;
  TreatMissingData: string;
}

const alarms = (): AlarmProps[] => Object.values(template().findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties as AlarmProps);
const alarmNamed = (suffix: string): AlarmProps => {
  const found = alarms().find((a) => a.AlarmName === `tvat-prod-${suffix}`);
  if (!found) throw new Error(`no alarm tvat-prod-${suffix}`);
  return found;
};
const fnId = (pick: (b: ReturnType<typeof built>) => { fn: { node: { defaultChild?: unknown } } }) => logicalId(built().stateless, pick(built()).fn.node.defaultChild);

describe('monitoring stack', () => {
  it('alarms when the signal DLQ holds at least one message', () => {
    const a = alarmNamed('signal-dlq-not-empty');
    expect(a).toMatchObject({ Namespace: 'AWS/SQS', MetricName: 'ApproximateNumberOfMessagesVisible', Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
    expect(refersTo(a.Dimensions, logicalId(built().stateless, built().stateless.signalDlq.node.defaultChild))).toBe(true);
  });

  it.each([
    ['webhook', (b: ReturnType<typeof built>) => b.stateless.webhook],
    ['executor', (b: ReturnType<typeof built>) => b.stateless.executor],
    ['paper-tick', (b: ReturnType<typeof built>) => b.stateless.paperTick],
    ['risk-check', (b: ReturnType<typeof built>) => b.stateless.riskCheck],
    ['strategy-runner', (b: ReturnType<typeof built>) => b.stateless.strategyRunner],
  ])('alarms on any %s error within 5 minutes', (name, pick) => {
    const a = alarmNamed(`${name}-errors`);
    expect(a).toMatchObject({ Namespace: 'AWS/Lambda', MetricName: 'Errors', Statistic: 'Sum', Period: 300, Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
    expect(refersTo(a.Dimensions, fnId(pick))).toBe(true);
  });

  it.each([
    ['webhook', (b: ReturnType<typeof built>) => b.stateless.webhook],
    ['executor', (b: ReturnType<typeof built>) => b.stateless.executor],
    ['paper-tick', (b: ReturnType<typeof built>) => b.stateless.paperTick],
    ['risk-check', (b: ReturnType<typeof built>) => b.stateless.riskCheck],
    ['strategy-runner', (b: ReturnType<typeof built>) => b.stateless.strategyRunner],
  ])('alarms on any %s throttle', (name, pick) => {
    const a = alarmNamed(`${name}-throttles`);
    expect(a).toMatchObject({ Namespace: 'AWS/Lambda', MetricName: 'Throttles', Statistic: 'Sum', Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
    expect(refersTo(a.Dimensions, fnId(pick))).toBe(true);
  });

  it('alarms on any webhook API 5xx within 5 minutes, by ApiId', () => {
    const a = alarmNamed('webhook-api-5xx');
    expect(a).toMatchObject({ Namespace: 'AWS/ApiGateway', MetricName: '5xx', Statistic: 'Sum', Period: 300, Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
    expect(a.Dimensions).toHaveLength(1);
    expect(a.Dimensions[0]?.Name).toBe('ApiId');
    expect(refersTo(a.Dimensions[0]?.Value, logicalId(built().stateless, built().stateless.httpApi.node.defaultChild))).toBe(true);
  });

  it('alarms when executor p99 duration exceeds 80% of its timeout', () => {
    const a = alarmNamed('executor-duration-p99');
    expect(a).toMatchObject({ Namespace: 'AWS/Lambda', MetricName: 'Duration', ExtendedStatistic: 'p99', ComparisonOperator: 'GreaterThanThreshold' });
    expect(a.Threshold).toBe(0.8 * built().config.executor.timeoutSeconds * 1000);
    expect(refersTo(a.Dimensions, fnId((b) => b.stateless.executor))).toBe(true);
  });

  it('alarms when the risk check was not invoked in 5 minutes, missing data included', () => {
    const a = alarmNamed('risk-check-not-running');
    expect(a).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'Invocations',
      Statistic: 'Sum',
      Period: 300,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
    });
    expect(a.Dimensions).toHaveLength(1);
    expect(a.Dimensions[0]?.Name).toBe('FunctionName');
    expect(refersTo(a.Dimensions, fnId((b) => b.stateless.riskCheck))).toBe(true);
    expect(a.AlarmDescription).toMatch(/kill switches/);
  });

  it('has exactly the expected alarms', () => {
    // DLQ, errors and throttles of five functions, API 5xx, executor p99, risk check not running
    expect(alarms().map((a) => a.AlarmName).sort()).toEqual(
      [
        'signal-dlq-not-empty',
        ...['webhook', 'executor', 'paper-tick', 'risk-check', 'strategy-runner'].flatMap((f) => [`${f}-errors`, `${f}-throttles`]),
        'webhook-api-5xx',
        'executor-duration-p99',
        'risk-check-not-running',
      ]
        .map((n) => `tvat-prod-${n}`)
        .sort(),
    );
    expect(alarms().some((a) => a.AlarmName.includes('protection-sync'))).toBe(false);
  });

  it('notifies the alarm topic from every alarm', () => {
    const topicId = logicalId(built().stateful, built().stateful.alarmTopic.node.defaultChild);
    for (const a of alarms()) {
      expect(a.AlarmActions).toHaveLength(1);
      expect(refersTo(a.AlarmActions[0], topicId)).toBe(true);
    }
  });

  it('treats missing data as not breaching, except where no data is the failure (risk check not running)', () => {
    for (const a of alarms()) expect(a.TreatMissingData).toBe(a.AlarmName === 'tvat-prod-risk-check-not-running' ? 'breaching' : 'notBreaching');
  });

  it('tells the reader what to do in every alarm description', () => {
    for (const a of alarms()) expect(a.AlarmDescription ?? '').toMatch(/\b(Check|Read|Open|Look)\b/);
  });
});
