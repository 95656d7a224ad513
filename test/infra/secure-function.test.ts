import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AttributeType, Table } from 'aws-cdk-lib/aws-dynamodb';
import type { Asset } from 'aws-cdk-lib/aws-s3-assets';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import {
  CCXT_NEVER_LOADED,
  ESBUILD_SETTINGS,
  ESM_REQUIRE_BANNER,
  FUNCTION_BUNDLING,
  SDK_NEVER_LOADED,
} from '../../infra/constructs/bundling';
import { SecureFunction, type SecureFunctionProps } from '../../infra/constructs/secure-function';
import { grants, logicalId, PROJECT_ROOT, roleStatements, testApp } from './support';

function setUp(overrides: Partial<SecureFunctionProps> = {}) {
  const stack = new Stack(testApp(), 'Test');
  const table = new Table(stack, 'Table', { partitionKey: { name: 'pk', type: AttributeType.STRING } });
  const subject = new SecureFunction(stack, 'Subject', {
    entry: 'functions/webhook/handler.ts',
    projectRoot: PROJECT_ROOT,
    description: 'test function',
    serviceName: 'svc',
    logLevel: 'INFO',
    timeout: Duration.seconds(7),
    memorySize: 256,
    logRetention: RetentionDays.ONE_MONTH,
    removalPolicy: RemovalPolicy.DESTROY,
    environment: { STAGE: 'dev' },
    ...overrides,
  });
  return { stack, table, subject, template: () => Template.fromStack(stack) };
}

describe('SecureFunction', () => {
  it('runs on ARM64', () => {
    setUp()
      .template()
      .hasResourceProperties('AWS::Lambda::Function', { Architectures: ['arm64'] });
  });

  it('has X-Ray active tracing', () => {
    setUp()
      .template()
      .hasResourceProperties('AWS::Lambda::Function', { TracingConfig: { Mode: 'Active' } });
  });

  it('uses the pinned Node.js runtime', () => {
    setUp()
      .template()
      .hasResourceProperties('AWS::Lambda::Function', { Runtime: 'nodejs22.x', Handler: 'index.handler' });
  });

  it('logs to its own log group with the given retention', () => {
    const { stack, subject, template } = setUp();
    const t = template();

    t.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
    t.hasResourceProperties('AWS::Lambda::Function', {
      LoggingConfig: { LogGroup: { Ref: logicalId(stack, subject.logGroup.node.defaultChild) } },
    });
  });

  it('applies the removal policy to its log group', () => {
    setUp({ removalPolicy: RemovalPolicy.RETAIN })
      .template()
      .hasResource('AWS::Logs::LogGroup', { DeletionPolicy: 'Retain' });
  });

  it('has a role without managed policies', () => {
    setUp().template().hasResourceProperties('AWS::IAM::Role', { ManagedPolicyArns: Match.absent() });
  });

  it('may write logs to its own log group only', () => {
    const { stack, subject, template } = setUp();
    const logGrants = grants(roleStatements(template(), stack, subject.role)).filter((g) =>
      g.action.startsWith('logs:'),
    );

    expect(logGrants.map((g) => g.action).sort()).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents']);
    for (const g of logGrants)
      expect(g.resource).toEqual({ 'Fn::GetAtt': [logicalId(stack, subject.logGroup.node.defaultChild), 'Arn'] });
  });

  it('uses Resource "*" for the X-Ray actions only', () => {
    const { stack, subject, template } = setUp();
    const star = grants(roleStatements(template(), stack, subject.role)).filter((g) => g.resource === '*');

    expect(star.map((g) => g.action).sort()).toEqual(['xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
  });

  it('sets the Powertools service name and log level next to the given environment', () => {
    setUp()
      .template()
      .hasResourceProperties('AWS::Lambda::Function', {
        Environment: { Variables: { STAGE: 'dev', POWERTOOLS_SERVICE_NAME: 'svc', LOG_LEVEL: 'INFO' } },
      });
  });

  it('takes timeout and memory from its props', () => {
    setUp().template().hasResourceProperties('AWS::Lambda::Function', { Timeout: 7, MemorySize: 256 });
  });

  it('reserves concurrency only when asked', () => {
    setUp().template().hasResourceProperties('AWS::Lambda::Function', { ReservedConcurrentExecutions: Match.absent() });
    setUp({ reservedConcurrentExecutions: 3 })
      .template()
      .hasResourceProperties('AWS::Lambda::Function', { ReservedConcurrentExecutions: 3 });
  });

  it('grants exactly the listed item actions on exactly the given table', () => {
    const { stack, table, subject, template } = setUp();
    subject.grantTable(table, ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:GetItem']);
    const tableGrants = grants(roleStatements(template(), stack, subject.role)).filter((g) =>
      g.action.startsWith('dynamodb:'),
    );

    expect(tableGrants.map((g) => g.action).sort()).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem']);
    for (const g of tableGrants)
      expect(g.resource).toEqual({ 'Fn::GetAtt': [logicalId(stack, table.node.defaultChild), 'Arn'] });
  });

  it('skips esbuild when the app disables bundling (the asset is the unbundled project root)', () => {
    const { subject } = setUp();
    const asset = subject.fn.node.findChild('Code') as Asset;

    expect(asset.assetPath).toBe(PROJECT_ROOT);
  });
});

describe('function bundling settings', () => {
  it('emits minified ESM with source maps for node22', () => {
    expect(FUNCTION_BUNDLING).toMatchObject({
      format: OutputFormat.ESM,
      target: 'node22',
      minify: true,
      sourceMap: true,
    });
  });

  it("bundles every dependency, the AWS SDK included (undici stays out: ccxt falls back to global fetch; so do ccxt's and the SDK's never-loaded imports)", () => {
    expect(FUNCTION_BUNDLING.externalModules).toEqual(['undici', ...CCXT_NEVER_LOADED, ...SDK_NEVER_LOADED]);
    expect(ESBUILD_SETTINGS.external).toEqual(['undici', ...CCXT_NEVER_LOADED, ...SDK_NEVER_LOADED]);
  });

  it('prefers ESM entry points of dependencies', () => {
    expect(FUNCTION_BUNDLING.mainFields).toEqual(['module', 'main']);
  });

  it('defines require for bundled CommonJS code through a banner', () => {
    expect(FUNCTION_BUNDLING.banner).toBe(
      "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
    );
    expect(ESBUILD_SETTINGS.banner.js).toBe(ESM_REQUIRE_BANNER);
  });
});
