// Builds the whole CDK app for one stage. The bin entry and the infra tests both call this, so the
// tests check exactly what `cdk synth` produces.
import { Annotations, App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { APP_PREFIX, stackName, type Stage } from '../shared/platform/resource-names';
import type { AiConfig } from './config/ai';
import { getStageConfig, PLACEHOLDER_ALARM_EMAIL, type StageConfig, type StageOverrides } from './config/stages';
import { MonitoringStack } from './stacks/monitoring-stack';
import { StatefulStack } from './stacks/stateful-stack';
import { StatelessStack, webhookApiThrottledMetricName } from './stacks/stateless-stack';

export interface BuiltApp {
  app: App;
  config: StageConfig;
  stateful: StatefulStack;
  stateless: StatelessStack;
  monitoring: MonitoringStack;
}

export interface BuildAppOptions extends StageOverrides {
  /** repository root; found from the working directory when omitted */
  projectRoot?: string;
  /** environment for account/region; process.env when omitted */
  env?: NodeJS.ProcessEnv;
}

/** The directory holding cdk.json: `cdk` runs the app there and jest runs from there. */
export function findProjectRoot(start: string = process.cwd()): string {
  let dir = path.resolve(start);
  for (;;) {
    if (fs.existsSync(path.join(dir, 'cdk.json')) && fs.existsSync(path.join(dir, 'package.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no cdk.json found in ${start} or any parent directory`);
    dir = parent;
  }
}

/** `-c name=a,b` (a string) or a list in cdk.json; absent = undefined. */
function contextList(app: App, name: string): string[] | undefined {
  const value: unknown = app.node.tryGetContext(name);
  if (value === undefined || value === null) return undefined;
  const items = Array.isArray(value) ? value.map(String) : String(value).split(',');
  return items.map((s) => s.trim()).filter(Boolean);
}

function contextFlag(app: App, name: string): boolean | undefined {
  const value: unknown = app.node.tryGetContext(name);
  if (value === undefined || value === null) return undefined;
  return value === true || String(value).toLowerCase() === 'true';
}

/** `-c name='{...}'` (a JSON string) or an object in cdk.json; absent = undefined. The stage's validation checks its fields. */
function contextJson(app: App, name: string): unknown {
  const value: unknown = app.node.tryGetContext(name);
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    throw new Error(`-c ${name}: not JSON`);
  }
}

/** `-c watcher=true|false`, or a JSON object of WatcherConfig fields; absent = undefined. */
function watcherContext(app: App): StageOverrides['watcher'] {
  const flag = contextFlag(app, 'watcher');
  const value: unknown = app.node.tryGetContext('watcher');
  if (value === undefined || value === null) return undefined;
  if (value === true || value === false || value === 'true' || value === 'false') return { enabled: flag === true };
  const parsed = contextJson(app, 'watcher');
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new Error('-c watcher: true, false or a JSON object ({"enabled":true,"cpu":256,"memoryMiB":512})');
  return parsed as StageOverrides['watcher'];
}

/** The overrides given as options win over `-c` context values. */
function overridesOf(app: App, options: BuildAppOptions): StageOverrides {
  const alarmEmail = options.alarmEmail ?? (app.node.tryGetContext('alarmEmail') as string | undefined);
  const telegramChatIds = options.telegramChatIds ?? contextList(app, 'telegramChatIds');
  const telegramUserIds = options.telegramUserIds ?? contextList(app, 'telegramUserIds');
  const notifyEmail = options.notifyEmail ?? (app.node.tryGetContext('notifyEmail') as string | undefined);
  const discord = options.discord ?? contextFlag(app, 'discord');
  const keyAuditTrailLogGroup =
    options.keyAuditTrailLogGroup ?? (app.node.tryGetContext('keyAuditTrailLogGroup') as string | undefined);
  // `-c staticEgress=true` takes the cheaper kind (docs/SECURITY.md)
  const egress: unknown = options.staticEgress ?? app.node.tryGetContext('staticEgress');
  const staticEgress = egress === true || egress === 'true' ? 'nat-instance' : (egress as string | undefined);
  const consoleDomain = options.consoleDomain ?? (app.node.tryGetContext('consoleDomain') as string | undefined);
  const consoleCertificateArn =
    options.consoleCertificateArn ?? (app.node.tryGetContext('consoleCertificateArn') as string | undefined);
  const consoleWebAclArn =
    options.consoleWebAclArn ?? (app.node.tryGetContext('consoleWebAclArn') as string | undefined);
  const ai = options.ai ?? contextJson(app, 'ai');
  const watcher = options.watcher ?? watcherContext(app);
  return {
    ...(watcher ? { watcher } : {}),
    ...(ai ? { ai: ai as AiConfig } : {}),
    ...(alarmEmail ? { alarmEmail } : {}),
    ...(telegramChatIds ? { telegramChatIds } : {}),
    ...(telegramUserIds ? { telegramUserIds } : {}),
    ...(notifyEmail ? { notifyEmail } : {}),
    ...(discord !== undefined ? { discord } : {}),
    ...(keyAuditTrailLogGroup ? { keyAuditTrailLogGroup } : {}),
    ...(staticEgress ? { staticEgress } : {}),
    ...(consoleDomain ? { consoleDomain } : {}),
    ...(consoleCertificateArn ? { consoleCertificateArn } : {}),
    ...(consoleWebAclArn ? { consoleWebAclArn } : {}),
  };
}

export function buildApp(stage: Stage, app: App = new App(), options: BuildAppOptions = {}): BuiltApp {
  const config = getStageConfig(stage, overridesOf(app, options), options.env ?? process.env);
  const projectRoot = options.projectRoot ?? findProjectRoot();
  const env = { account: config.account, region: config.region };

  const stateful = new StatefulStack(app, 'Stateful', {
    stackName: stackName(stage, 'stateful'),
    description: `${APP_PREFIX} ${stage}: tables, keys, alarm topic`,
    env,
    config,
    terminationProtection: stage === 'prod',
  });
  const stateless = new StatelessStack(app, 'Stateless', {
    stackName: stackName(stage, 'stateless'),
    description: `${APP_PREFIX} ${stage}: webhook API, signal queues, functions, schedules`,
    env,
    config,
    projectRoot,
    tables: stateful.tables,
    credentialsKey: stateful.credentialsKey,
    notifications: stateful.notifications,
    reportsBucketName: stateful.reportsBucketName,
    ...(stateful.egressIp ? { egressAllocationId: stateful.egressIp.attrAllocationId } : {}),
    consoleAuth: {
      userPoolId: stateful.consoleAuth.userPool.userPoolId,
      clientId: stateful.consoleAuth.client.userPoolClientId,
    },
  });
  const monitoring = new MonitoringStack(app, 'Monitoring', {
    stackName: stackName(stage, 'monitoring'),
    description: `${APP_PREFIX} ${stage}: alarms, dashboard, alarm relay`,
    env,
    config,
    projectRoot,
    alarmTopic: stateful.alarmTopic,
    signalQueue: stateless.signalQueue,
    signalDlq: stateless.signalDlq,
    notifierDlq: stateless.notifierDlq,
    sliceTimerDlq: stateless.sliceTimerDlq,
    webhookApi: stateless.api,
    webhookApiThrottledMetricName: webhookApiThrottledMetricName(stage),
    webAclMetricName: stateless.webAcl.webAclName,
    accountRateMetricName: stateless.webAcl.accountRateMetricName,
    executor: stateless.executor.fn,
    riskCheck: stateless.riskCheck.fn,
    report: stateless.report.fn,
    telegramBotTokenSecret: stateful.telegramBotTokenSecret,
    watcher: config.watcher.enabled,
    functions: [
      { name: 'webhook', fn: stateless.webhook.fn },
      { name: 'executor', fn: stateless.executor.fn },
      { name: 'paper-tick', fn: stateless.paperTick.fn },
      { name: 'risk-check', fn: stateless.riskCheck.fn },
      { name: 'strategy-runner', fn: stateless.strategyRunner.fn },
      { name: 'funding-arb', fn: stateless.fundingArb.fn },
      { name: 'notifier', fn: stateless.notifier.fn },
      { name: 'report', fn: stateless.report.fn },
      ...(stateless.telegramBot ? [{ name: 'telegram-bot', fn: stateless.telegramBot.fn }] : []),
      { name: 'console-api', fn: stateless.consoleApiFunction.fn },
      { name: 'slice-timer', fn: stateless.sliceTimer.fn },
    ],
  });

  if (config.alarmEmail === PLACEHOLDER_ALARM_EMAIL) {
    Annotations.of(stateful).addWarningV2(
      'tvat:placeholder-alarm-email',
      `alarm e-mail is the placeholder ${PLACEHOLDER_ALARM_EMAIL}: deploy with -c alarmEmail=you@example.org`,
    );
  }

  Tags.of(app).add('app', APP_PREFIX);
  Tags.of(app).add('stage', stage);
  // cdk-nag 3 is a CDK policy-validation plugin (no longer an Aspect): it runs on every synth, an
  // unacknowledged error fails it, and acknowledgements are Validations.of(construct).acknowledge().
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return { app, config, stateful, stateless, monitoring };
}
