// Alarms on the failures that need a person: dead-lettered signals, function errors and throttles,
// webhook 5xx (TradingView re-sends those), an executor running close to its timeout, and a risk
// check that stopped running.
// Every alarm notifies the stateful stack's SNS topic and says what to do in its description.
import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { Alarm, ComparisonOperator, Metric, type IMetric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { APP_PREFIX } from '../../shared/platform/resource-names';
import type { StageConfig } from '../config/stages';

export interface MonitoredFunction {
  /** short name used in alarm names: webhook, executor, paper-tick, risk-check */
  name: string;
  fn: IFunction;
}

export interface MonitoringStackProps extends StackProps {
  config: StageConfig;
  alarmTopic: ITopic;
  signalDlq: IQueue;
  httpApi: IHttpApi;
  functions: readonly MonitoredFunction[];
  executor: IFunction;
  /** the every-minute risk check: alarmed when it stops being invoked */
  riskCheck: IFunction;
}

const FIVE_MINUTES = Duration.minutes(5);
/** executor p99 duration alarms above this share of its timeout */
export const EXECUTOR_DURATION_ALARM_SHARE = 0.8;

export class MonitoringStack extends Stack {
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: MonitoringStackProps) {
    super(scope, id, props);
    const { config } = props;
    const prefix = `${APP_PREFIX}-${config.stage}`;
    const action = new SnsAction(props.alarmTopic);

    const alarm = (
      alarmId: string,
      name: string,
      metric: IMetric,
      threshold: number,
      comparison: ComparisonOperator,
      description: string,
      treatMissingData: TreatMissingData = TreatMissingData.NOT_BREACHING,
    ) => {
      const created = new Alarm(this, alarmId, {
        alarmName: `${prefix}-${name}`,
        alarmDescription: description,
        metric,
        threshold,
        comparisonOperator: comparison,
        evaluationPeriods: 1,
        datapointsToAlarm: 1,
        treatMissingData,
      });
      created.addAlarmAction(action);
      this.alarms.push(created);
      return created;
    };

    alarm(
      'SignalDlqNotEmptyAlarm',
      'signal-dlq-not-empty',
      props.signalDlq.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
      1,
      ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      'A signal failed execution maxReceiveCount times and was dead-lettered: it was NOT traded. ' +
        'Read the executor logs for its signal id, check the account and exchange state (open position? order placed?), ' +
        'fix the cause, then redrive the DLQ to the signal queue only if the signal is still wanted (it may be stale), or delete it.',
    );

    for (const { name, fn } of props.functions) {
      alarm(
        `${pascal(name)}ErrorsAlarm`,
        `${name}-errors`,
        fn.metricErrors({ period: FIVE_MINUTES, statistic: 'Sum' }),
        1,
        ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        `The ${name} function failed at least once in 5 minutes (unhandled error or timeout). ` +
          `Open its log group, filter on level ERROR, and follow the signal id / request id; for the executor check the DLQ and open orders on the exchange.`,
      );
      alarm(
        `${pascal(name)}ThrottlesAlarm`,
        `${name}-throttles`,
        fn.metricThrottles({ period: FIVE_MINUTES, statistic: 'Sum' }),
        1,
        ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        `The ${name} function was throttled: invocations were refused for lack of concurrency. ` +
          'Check the account concurrency limit and any reserved concurrency in the stage config; raise the limit (Service Quotas) or the reservation.',
      );
    }

    alarm(
      'WebhookApi5xxAlarm',
      'webhook-api-5xx',
      new Metric({
        namespace: 'AWS/ApiGateway',
        metricName: '5xx',
        dimensionsMap: { ApiId: props.httpApi.apiId },
        period: FIVE_MINUTES,
        statistic: 'Sum',
      }),
      1,
      ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      'The webhook API answered 5xx: TradingView re-sends such alerts up to 3 times, and alerts may be lost. ' +
        'Check the webhook function errors and its access log group (integrationError), and the signal queue; dedup stops the re-sends from trading twice.',
    );

    const executorTimeoutMs = config.executor.timeoutSeconds * 1000;
    alarm(
      'ExecutorDurationAlarm',
      'executor-duration-p99',
      props.executor.metricDuration({ period: FIVE_MINUTES, statistic: 'p99' }),
      Math.round(executorTimeoutMs * EXECUTOR_DURATION_ALARM_SHARE),
      ComparisonOperator.GREATER_THAN_THRESHOLD,
      `Executor p99 duration is above ${EXECUTOR_DURATION_ALARM_SHARE * 100}% of its ${config.executor.timeoutSeconds} s timeout: ` +
        'a timeout after sending an order leaves it unrecorded until the retry reconciles. ' +
        'Look for slow exchange calls or rate-limit waits in the traces (X-Ray) and logs; raise executor.timeoutSeconds in the stage config if the exchange is slow.',
    );

    // A silent risk check is the dangerous failure: no kill switch, no stop re-arming, no protective
    // fill booked, and no error alarm either, because nothing ran to fail (rule disabled or deleted,
    // target or invoke permission lost, function throttled away). It is started every minute, so
    // fewer than one invocation in 5 minutes is an outage; Lambda publishes no Invocations datapoint
    // for a function that was not invoked, hence missing data counts as breaching here.
    alarm(
      'RiskCheckNotRunningAlarm',
      'risk-check-not-running',
      props.riskCheck.metricInvocations({ period: FIVE_MINUTES, statistic: 'Sum' }),
      1,
      ComparisonOperator.LESS_THAN_THRESHOLD,
      'The risk-check function was not invoked for 5 minutes although its EventBridge rule fires every minute: kill switches, stop re-arming and protective-fill booking are NOT running. ' +
        'Check the rule (enabled? target the risk-check function?), the function (throttles, reserved concurrency 0, deleted) and its resource policy; ' +
        'until it runs again, watch open positions and their stops on the exchange by hand.',
      TreatMissingData.BREACHING,
    );
  }
}

function pascal(name: string): string {
  return name
    .split(/[^a-zA-Z0-9]/)
    .filter(Boolean)
    .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
    .join('');
}
