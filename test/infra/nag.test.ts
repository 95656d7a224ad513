// cdk-nag 3 is a CDK policy-validation plugin: buildApp registers AwsSolutionsChecks on the app, a
// synth with an unacknowledged error throws, and validateScope() reports per stack for these tests.
import { Stack, Validations } from 'aws-cdk-lib';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { buildApp } from '../../infra/app-factory';
import {
  PROJECT_ROOT,
  TEST_ALARM_EMAIL,
  TEST_NOTIFY_EMAIL,
  TEST_TELEGRAM_CHAT_IDS,
  TEST_TELEGRAM_USER_IDS,
  testApp,
} from './support';

const STAGES = ['dev', 'prod'] as const;
const PARTS = ['stateful', 'stateless', 'monitoring'] as const;

function nagViolations(scope: IConstruct) {
  return new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(scope).violations;
}

/** Every channel on (the Telegram bot, the alarm relay, Discord, e-mail), or the stage as configured (`bare`). */
function synthesized(stage: (typeof STAGES)[number], bare = false) {
  const channels = bare
    ? {}
    : {
        telegramChatIds: [...TEST_TELEGRAM_CHAT_IDS],
        telegramUserIds: [...TEST_TELEGRAM_USER_IDS],
        notifyEmail: TEST_NOTIFY_EMAIL,
        discord: true,
      };
  const built = buildApp(stage, testApp(), {
    env: {},
    alarmEmail: TEST_ALARM_EMAIL,
    projectRoot: PROJECT_ROOT,
    ...channels,
  });
  built.app.synth();
  return built;
}

interface AcknowledgedRule {
  path: string;
  id: string;
  reason: string;
}

function acknowledgedRules(root: IConstruct): AcknowledgedRule[] {
  return root.node.findAll().flatMap((c) =>
    c.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) =>
        Object.entries(m.data as Record<string, { reason?: string } | string>).map(([id, v]) => ({
          path: c.node.path,
          id: id.replace(/^annotation::/i, ''),
          reason: typeof v === 'string' ? v : (v.reason ?? ''),
        })),
      ),
  );
}

describe('cdk-nag AwsSolutions', () => {
  const apps = new Map(STAGES.map((s) => [s, synthesized(s)]));

  it.each(STAGES.flatMap((stage) => PARTS.map((part) => [stage, part] as const)))(
    'finds no unacknowledged error in the %s %s stack',
    (stage, part) => {
      const stack = apps.get(stage)![part];
      const errors = nagViolations(stack).filter((v) => v.severity === 'error');

      expect(
        errors.map((e) => `${e.ruleName} @ ${e.violatingResources.map((r) => r.constructPath).join(', ')}`),
      ).toEqual([]);
    },
  );

  it.each(STAGES)('finds no warning either in %s', (stage) => {
    const warnings = PARTS.flatMap((part) =>
      nagViolations(apps.get(stage)![part]).filter((v) => v.severity === 'warning'),
    );
    expect(warnings.map((w) => w.ruleName)).toEqual([]);
  });

  it('finds no error or warning in prod without any notification channel (no bot, no relay)', () => {
    const bare = synthesized('prod', true);
    const findings = PARTS.flatMap((part) => nagViolations(bare[part]));
    expect(
      findings.map((f) => `${f.ruleName} @ ${f.violatingResources.map((r) => r.constructPath).join(', ')}`),
    ).toEqual([]);
  });

  it('acknowledges only the reviewed rules, each where it applies', () => {
    const acks = acknowledgedRules(apps.get('prod')!.app)
      .map((a) => `${a.path} ${a.id}`)
      .sort();

    expect(acks).toEqual(
      [
        // the REST API: no authorizer can apply to TradingView (APIG4, COG4), the body is validated in the function (APIG2),
        // and API Gateway's account-level logging role carries AWS's documented managed policy (IAM4)
        ...[
          'AwsSolutions-APIG4',
          'AwsSolutions-COG4',
          'AwsSolutions-APIG2',
          'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
        ].map((id) => `Stateless/WebhookApi ${id}`),
        'Stateless/NotifierDlq AwsSolutions-SQS3',
        ...['TelegramBotTokenSecret', 'DiscordWebhookSecret', 'TelegramWebhookSecret'].map(
          (secret) => `Stateful/${secret} AwsSolutions-SMG4`,
        ),
        // the reports bucket: no access-log bucket; the report's grant on its reports/ prefix, by that exact ARN
        'Stateful/ReportsBucket AwsSolutions-S1',
        'Stateless/Report/Role AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::tvat-prod-reports-<AWS::AccountId>-<AWS::Region>/reports/*]',
        ...[
          'Stateless/Webhook',
          'Stateless/Executor',
          'Stateless/PaperTick',
          'Stateless/RiskCheck',
          'Stateless/StrategyRunner',
          'Stateless/FundingArb',
          'Stateless/Notifier',
          'Stateless/Report',
          'Stateless/TelegramBot',
          'Stateless/ConsoleApiFunction',
          'Stateless/SliceTimer',
          'Monitoring/AlarmRelay',
        ].flatMap((fn) => [`${fn}/Function AwsSolutions-L1`, `${fn}/Role AwsSolutions-IAM5[Resource::*]`]),
        // the console's distribution: no custom domain in the stage (CFR4: the *.cloudfront.net
        // certificate's TLS policy), no CLOUDFRONT web ACL (CFR2), no geo restriction (CFR1)
        ...['AwsSolutions-CFR1', 'AwsSolutions-CFR2', 'AwsSolutions-CFR4'].map(
          (id) => `Stateless/ConsoleSite/Distribution ${id}`,
        ),
        // CDK's BucketDeployment: the grants it adds to the role it is given, and its own function's runtime
        ...[
          'Action::s3:GetObject*',
          'Action::s3:GetBucket*',
          'Action::s3:List*',
          'Action::s3:DeleteObject*',
          'Action::s3:Abort*',
          'Resource::<ConsoleSiteBucket380F1C30.Arn>/*',
          'Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*',
          'Resource::*',
        ].map((finding) => `Stateless/ConsoleSite/DeploymentRole AwsSolutions-IAM5[${finding}]`),
        'Stateless/Custom::CDKBucketDeployment8693BB64968944B69AAFB0CC9EB8756C256MiB AwsSolutions-L1',
      ].sort(),
    );
  });

  it('needs no TLS or WAF acknowledgement on the console when the stage gives its domain and web ACL', () => {
    const built = buildApp('prod', testApp(), {
      env: {},
      alarmEmail: TEST_ALARM_EMAIL,
      projectRoot: PROJECT_ROOT,
      consoleDomain: 'console.tvat.test',
      consoleCertificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789',
      consoleWebAclArn: 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/tvat-console/0a1b2c3d-4e5f-6789',
    });
    built.app.synth();
    const distribution = built.stateless.consoleSite.distribution;
    const acks = acknowledgedRules(built.app).filter((a) => a.path === distribution.node.path);

    expect(acks.map((a) => a.id)).toEqual(['AwsSolutions-CFR1']);
    expect(nagViolations(built.stateless).map((v) => v.ruleName)).toEqual([]);
  });

  it('gives every acknowledgement a specific reason', () => {
    for (const a of acknowledgedRules(apps.get('prod')!.app)) expect(a.reason.length).toBeGreaterThan(80);
  });

  it('would catch a violation (the check is not vacuous)', () => {
    const stack = new Stack(testApp(), 'Probe');
    new Queue(stack, 'Plain', { encryption: undefined, enforceSSL: false });
    const rules = nagViolations(stack).map((v) => v.ruleName);

    expect(rules).toEqual(expect.arrayContaining(['AwsSolutions-SQS3', 'AwsSolutions-SQS4']));
  });

  it('fails the synth of an app with an unacknowledged error', () => {
    const built = buildApp('dev', testApp(), { env: {}, alarmEmail: TEST_ALARM_EMAIL, projectRoot: PROJECT_ROOT });
    new Queue(built.stateless, 'UnprotectedProbe', { enforceSSL: false });

    expect(() => built.app.synth()).toThrow(/AwsSolutions-SQS/);
  });
});
