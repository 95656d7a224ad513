// The owner's console in the cloud, from the synthesized prod (and dev) templates: the Cognito user
// pool and app client, the CLI's way to them (SSM, operator grants), the console API behind its JWT
// authorizer, the access logs that never hold a request path, and the private bucket served by
// CloudFront through OAC with the API as a second origin and a strict response-headers policy.
import { Template } from 'aws-cdk-lib/assertions';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runInNewContext } from 'node:vm';
import { buildApp } from '../../infra/app-factory';
import { getStageConfig } from '../../infra/config/stages';
import { CONSOLE_API_ACCESS_LOG_FIELDS } from '../../infra/constructs/console-api';
import {
  CONSOLE_PLACEHOLDER_DIR,
  consoleAssetDir,
  consoleContentSecurityPolicy,
  SPA_ROUTING_FUNCTION,
} from '../../infra/constructs/console-site';
import { OPERATOR_USER_POOL_ACTIONS } from '../../infra/constructs/operator-access';
import {
  consoleClientParameterName,
  consoleUrlParameterName,
  consoleUserPoolParameterName,
} from '../../shared/platform/resource-names';
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
} from './support';

/** Synthesized CloudFormation, read by property path (as Template.findResources returns it). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Cfn = Record<string, any>;

const built = () => builtApp('prod');
const stateful = () => Template.fromStack(built().stateful);
const stateless = () => Template.fromStack(built().stateless);

/** A synthesized value as text, pseudo parameters and other refs as <Name>, attributes as <Id.Attr>. */
function render(value: unknown): string {
  if (typeof value === 'string') return value;
  const o = value as Record<string, unknown>;
  if (typeof o.Ref === 'string') return `<${o.Ref}>`;
  const att = o['Fn::GetAtt'] as [string, string] | undefined;
  if (att) return `<${att[0]}.${att[1]}>`;
  const join = o['Fn::Join'] as [string, unknown[]] | undefined;
  if (join) return join[1].map(render).join(join[0]);
  return JSON.stringify(value);
}

function onlyResource(t: Template, type: string): { Properties: Cfn } {
  const found = Object.values(t.findResources(type));
  expect(found).toHaveLength(1);
  return found[0] as { Properties: Cfn };
}

describe('console: Cognito user pool and app client', () => {
  const pool = () => onlyResource(stateful(), 'AWS::Cognito::UserPool').Properties;
  const client = () => onlyResource(stateful(), 'AWS::Cognito::UserPoolClient').Properties;

  it('requires MFA with TOTP only (no SMS), and lets no one sign up by themselves', () => {
    expect(pool().MfaConfiguration).toBe('ON');
    expect(pool().EnabledMfas).toEqual(['SOFTWARE_TOKEN_MFA']);
    expect(pool().SmsConfiguration).toBeUndefined();
    expect(pool().AdminCreateUserConfig).toMatchObject({ AllowAdminCreateUserOnly: true });
  });

  it('signs in by e-mail, case-insensitively, with a strong password policy and threat protection enforced', () => {
    expect(pool().UsernameAttributes).toEqual(['email']);
    expect(pool().UsernameConfiguration).toEqual({ CaseSensitive: false });
    expect(pool().Policies.PasswordPolicy).toMatchObject({
      MinimumLength: 14,
      RequireLowercase: true,
      RequireUppercase: true,
      RequireNumbers: true,
      RequireSymbols: true,
    });
    expect(pool().UserPoolAddOns).toEqual({ AdvancedSecurityMode: 'ENFORCED' });
  });

  it('protects the prod pool from deletion and retains it, and not the dev one', () => {
    expect(pool().DeletionProtection).toBe('ACTIVE');
    const prod = Object.values(stateful().findResources('AWS::Cognito::UserPool'))[0];
    expect(prod?.DeletionPolicy).toBe('Retain');
    const dev = Template.fromStack(bareApp('dev').stateful);
    const devPool = Object.values(dev.findResources('AWS::Cognito::UserPool'))[0];
    expect(devPool?.Properties.DeletionProtection).toBe('INACTIVE');
  });

  it('has the role groups and the first tenant’s group (docs/TENANCY.md), in this pool', () => {
    const groups = Object.values(stateful().findResources('AWS::Cognito::UserPoolGroup')).map((g) => g.Properties);
    expect(groups.map((g) => g.GroupName).sort()).toEqual(['admin', 'owner', 'tenant-acc', 'trader', 'viewer']);
    const poolId = logicalId(built().stateful, built().stateful.consoleAuth.userPool.node.defaultChild);
    for (const g of groups) expect(g.UserPoolId).toEqual({ Ref: poolId });
  });

  it('gives the console a client without secret: password and refresh sign-in only, no OAuth, no attribute writes', () => {
    expect(client().GenerateSecret).toBe(false);
    expect([...client().ExplicitAuthFlows].sort()).toEqual(['ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_USER_PASSWORD_AUTH']);
    expect(client().AllowedOAuthFlows).toBeUndefined();
    expect(client().AllowedOAuthFlowsUserPoolClient).toBe(false);
    expect(client().WriteAttributes).toEqual([]);
    expect(client().PreventUserExistenceErrors).toBe('ENABLED');
    expect(client().EnableTokenRevocation).toBe(true);
  });

  it('issues access and id tokens for 15 minutes and refresh tokens for 12 hours', () => {
    const c = client();
    const minutes = (value: number, unit: string) => value * ({ minutes: 1, hours: 60, days: 1440 }[unit] ?? NaN);
    expect(minutes(c.AccessTokenValidity, c.TokenValidityUnits.AccessToken)).toBe(15);
    expect(minutes(c.IdTokenValidity, c.TokenValidityUnits.IdToken)).toBe(15);
    expect(minutes(c.RefreshTokenValidity, c.TokenValidityUnits.RefreshToken)).toBe(12 * 60);
  });
});

describe('console: what the CLI finds and may do', () => {
  const parameters = () =>
    [stateful(), stateless()].flatMap((t) =>
      Object.values(t.findResources('AWS::SSM::Parameter')).map((p) => p.Properties as Record<string, unknown>),
    );

  it('writes the user pool id, the client id and the console URL to the SSM names the CLI reads', () => {
    const { stateful: sf, stateless: sl } = built();
    const byName = new Map(parameters().map((p) => [p.Name, p.Value]));
    expect(byName.get(consoleUserPoolParameterName('prod'))).toEqual({
      Ref: logicalId(sf, sf.consoleAuth.userPool.node.defaultChild),
    });
    expect(byName.get(consoleClientParameterName('prod'))).toEqual({
      Ref: logicalId(sf, sf.consoleAuth.client.node.defaultChild),
    });
    const url = render(byName.get(consoleUrlParameterName('prod')));
    expect(url).toBe(`https://<${logicalId(sl, sl.consoleSite.distribution.node.defaultChild)}.DomainName>`);
  });

  it('lets the operator role manage console users on this pool only, and read exactly those three parameters', () => {
    const { stateful: stack } = built();
    const t = stateful();
    const policy = t.toJSON().Resources[logicalId(stack, stack.operatorAccess.policy.node.defaultChild)];
    const operator = grants(policy.Properties.PolicyDocument.Statement);
    const cognito = operator.filter((g) => g.action.startsWith('cognito-idp:'));
    expect(cognito.map((g) => g.action).sort()).toEqual([...OPERATOR_USER_POOL_ACTIONS].sort());
    const poolId = logicalId(stack, stack.consoleAuth.userPool.node.defaultChild);
    for (const g of cognito) expect(g.resource).toEqual({ 'Fn::GetAtt': [poolId, 'Arn'] });
    const ssm = operator.filter((g) => g.action.startsWith('ssm:'));
    expect(new Set(ssm.map((g) => g.action))).toEqual(new Set(['ssm:GetParameter']));
    expect(ssm.map((g) => render(g.resource)).sort()).toEqual(
      [consoleClientParameterName('prod'), consoleUrlParameterName('prod'), consoleUserPoolParameterName('prod')]
        .map((name) => `arn:<AWS::Partition>:ssm:<AWS::Region>:<AWS::AccountId>:parameter${name}`)
        .sort(),
    );
  });
});

describe('console: the API', () => {
  const routes = () =>
    Object.values(stateless().findResources('AWS::ApiGatewayV2::Route')).map((r) => r.Properties as Cfn);

  it('routes ANY /api/v1/{proxy+} (and nothing else) through the JWT authorizer to the console-api function', () => {
    const { stateless: stack } = built();
    expect(routes().map((r) => r.RouteKey)).toEqual(['ANY /api/v1/{proxy+}']);
    const route = routes()[0]!;
    expect(route.AuthorizationType).toBe('JWT');
    const authorizers = stateless().findResources('AWS::ApiGatewayV2::Authorizer');
    expect(route.AuthorizerId).toEqual({ Ref: Object.keys(authorizers)[0] });
    const integration = onlyResource(stateless(), 'AWS::ApiGatewayV2::Integration').Properties;
    expect(integration).toMatchObject({ IntegrationType: 'AWS_PROXY', PayloadFormatVersion: '2.0' });
    expect(refersTo(integration.IntegrationUri, logicalId(stack, stack.consoleApiFunction.fn.node.defaultChild))).toBe(
      true,
    );
  });

  it("accepts only the console pool's tokens for the console's client: issuer and audience", () => {
    const { stateful: sf } = built();
    const authorizer = onlyResource(stateless(), 'AWS::ApiGatewayV2::Authorizer').Properties;
    expect(authorizer.AuthorizerType).toBe('JWT');
    expect(authorizer.IdentitySource).toEqual(['$request.header.Authorization']);
    const poolId = logicalId(sf, sf.consoleAuth.userPool.node.defaultChild);
    const clientId = logicalId(sf, sf.consoleAuth.client.node.defaultChild);
    // the pool and client ids come from the stateful stack as imports of its exports
    expect(render(authorizer.JwtConfiguration.Issuer)).toMatch(
      new RegExp(`^https://cognito-idp\\.<AWS::Region>\\.amazonaws\\.com/.*${poolId}`),
    );
    expect(authorizer.JwtConfiguration.Audience).toHaveLength(1);
    expect(JSON.stringify(authorizer.JwtConfiguration.Audience[0])).toContain(clientId);
  });

  it('has no CORS configuration at all (the page and the API share one origin)', () => {
    const api = onlyResource(stateless(), 'AWS::ApiGatewayV2::Api').Properties;
    expect(api.ProtocolType).toBe('HTTP');
    expect(api.CorsConfiguration).toBeUndefined();
    const everything = JSON.stringify([stateful().toJSON(), stateless().toJSON()]);
    expect(everything).not.toMatch(/Access-Control-Allow-Origin|AccessControlAllowOrigins|CorsConfiguration/i);
  });

  it('leaves the webhook and Telegram routes without an API Gateway authorizer (they authenticate by token)', () => {
    const methods = Object.values(stateless().findResources('AWS::ApiGateway::Method')).map((m) => m.Properties);
    expect(methods.length).toBeGreaterThanOrEqual(4);
    for (const m of methods) {
      expect(m.AuthorizationType).toBe('NONE');
      expect(m.AuthorizerId).toBeUndefined();
    }
    stateless().resourceCountIs('AWS::ApiGateway::Authorizer', 0);
  });

  it('gives the function its stage and queues, GetQueueAttributes on the queue and DLQ, and its manifest table grants', () => {
    const { stateless: stack } = built();
    const fn = Object.values(stateless().findResources('AWS::Lambda::Function')).find(
      (f) => f.Properties.Environment?.Variables?.POWERTOOLS_SERVICE_NAME === 'console-api',
    );
    const queue = logicalId(stack, stack.signalQueue.node.defaultChild);
    const dlq = logicalId(stack, stack.signalDlq.node.defaultChild);
    expect(fn?.Properties.Environment.Variables).toMatchObject({
      STAGE: 'prod',
      SIGNAL_QUEUE_URL: { Ref: queue },
      SIGNAL_DLQ_URL: { Ref: dlq },
      // the chart's candles from the exchange's public OHLCV (the schema's default is none)
      CANDLE_SOURCE: 'exchange',
    });
    const sqs = grants(roleStatements(stateless(), stack, stack.consoleApiFunction.role)).filter((g) =>
      g.action.startsWith('sqs:'),
    );
    const attributes = sqs.filter((g) => g.action === 'sqs:GetQueueAttributes').map((g) => JSON.stringify(g.resource));
    expect(attributes.sort()).toEqual(
      [{ 'Fn::GetAtt': [queue, 'Arn'] }, { 'Fn::GetAtt': [dlq, 'Arn'] }].map((r) => JSON.stringify(r)).sort(),
    );
    // actions are queued on the signal lanes, like the webhook's signals; nothing consumes or deletes
    expect(sqs.filter((g) => g.action !== 'sqs:GetQueueAttributes')).toEqual([
      { action: 'sqs:SendMessage', resource: { 'Fn::GetAtt': [queue, 'Arn'] } },
    ]);
  });

  it('throttles its stage and writes JSON access logs of it to a log group of its own', () => {
    const stage = onlyResource(stateless(), 'AWS::ApiGatewayV2::Stage').Properties;
    expect(stage).toMatchObject({ StageName: '$default', AutoDeploy: true });
    expect(stage.DefaultRouteSettings).toMatchObject({ ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 });
    expect(JSON.parse(stage.AccessLogSettings.Format)).toEqual(CONSOLE_API_ACCESS_LOG_FIELDS);
    expect(JSON.stringify(stage.AccessLogSettings.DestinationArn)).toMatch(/ConsoleApiAccessLogs/);
  });
});

describe('access logs never record a request path', () => {
  // A path, a query string, a header or a body may carry a secret (the webhook's
  // /webhook/{account}/{secret}, the token in a TradingView body, a bearer token).
  const RAW = /\$context\.(path|http\.path|requestOverride|authorizer\.claims\.(?!sub\b))|\$input|\$request|\.header/;
  const formats = () => [
    ...Object.values(stateless().findResources('AWS::ApiGateway::Stage')).map(
      (s) => s.Properties.AccessLogSetting.Format as string,
    ),
    ...Object.values(stateless().findResources('AWS::ApiGatewayV2::Stage')).map(
      (s) => s.Properties.AccessLogSettings.Format as string,
    ),
  ];

  it('logs the route template of both APIs, and no field of either holds the raw path', () => {
    const [rest, http] = formats().map((f) => JSON.parse(f) as Record<string, string>);
    expect(rest?.resourcePath).toBe('$context.resourcePath');
    expect(http?.routeKey).toBe('$context.routeKey');
    for (const format of formats()) {
      for (const [field, value] of Object.entries(JSON.parse(format) as Record<string, string>))
        expect({ field, value, raw: RAW.test(value) }).toEqual({ field, value, raw: false });
    }
  });

  it('would catch a format that logs the path (the check is not vacuous)', () => {
    expect(RAW.test('$context.path')).toBe(true);
    expect(RAW.test('$context.http.path')).toBe(true);
  });
});

describe('console: bucket and CloudFront', () => {
  const distribution = () => onlyResource(stateless(), 'AWS::CloudFront::Distribution').Properties.DistributionConfig;
  const buckets = () => stateless().findResources('AWS::S3::Bucket');

  it('keeps the site bucket private, encrypted and TLS-only, with server access logs in the logs bucket', () => {
    const { stateless: stack } = built();
    const siteId = logicalId(stack, stack.consoleSite.bucket.node.defaultChild);
    const logsId = logicalId(stack, stack.consoleSite.logsBucket.node.defaultChild);
    for (const id of [siteId, logsId]) {
      const b = buckets()[id]!.Properties;
      expect(b.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      expect(b.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault).toEqual({
        SSEAlgorithm: 'AES256',
      });
    }
    expect(buckets()[siteId]!.Properties.LoggingConfiguration).toMatchObject({
      DestinationBucketName: { Ref: logsId },
    });
    const policies = Object.values(stateless().findResources('AWS::S3::BucketPolicy')).map((p) => p.Properties);
    const sitePolicy = policies.find((p) => JSON.stringify(p.Bucket) === JSON.stringify({ Ref: siteId }));
    const statements = sitePolicy!.PolicyDocument.Statement as Cfn[];
    expect(statements).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      ]),
    );
    // the only reader: CloudFront on behalf of this distribution (OAC), never a public principal
    const allows = statements.filter((s) => s.Effect === 'Allow' && JSON.stringify(s.Action).includes('s3:GetObject'));
    expect(allows).toHaveLength(1);
    expect(allows[0]!.Principal).toEqual({ Service: 'cloudfront.amazonaws.com' });
    expect(
      refersTo(
        allows[0]!.Condition.StringEquals['AWS:SourceArn'],
        logicalId(stack, stack.consoleSite.distribution.node.defaultChild),
      ),
    ).toBe(true);
    // "*" appears only in the TLS-only Deny statements, never as a principal that is allowed anything
    const allowed = policies.flatMap((p) => (p.PolicyDocument.Statement as Cfn[]).filter((s) => s.Effect === 'Allow'));
    expect(JSON.stringify(allowed.map((s) => s.Principal))).not.toMatch(/\*/);
  });

  it('reads the bucket through origin access control, with no origin access identity anywhere', () => {
    const oac = onlyResource(stateless(), 'AWS::CloudFront::OriginAccessControl').Properties;
    expect(oac.OriginAccessControlConfig).toMatchObject({
      OriginAccessControlOriginType: 's3',
      SigningBehavior: 'always',
      SigningProtocol: 'sigv4',
    });
    stateless().resourceCountIs('AWS::CloudFront::CloudFrontOriginAccessIdentity', 0);
    const s3Origin = (distribution().Origins as Cfn[]).find((o) => o.S3OriginConfig);
    expect(s3Origin?.OriginAccessControlId).toBeDefined();
    expect(s3Origin?.S3OriginConfig.OriginAccessIdentity).toBe('');
  });

  it('serves index.html at the root, redirects HTTP to HTTPS, price class 100, logs to the logs bucket', () => {
    const { stateless: stack } = built();
    const d = distribution();
    expect(d.DefaultRootObject).toBe('index.html');
    expect(d.DefaultCacheBehavior.ViewerProtocolPolicy).toBe('redirect-to-https');
    expect(d.PriceClass).toBe('PriceClass_100');
    expect(d.Logging.Bucket).toEqual({
      'Fn::GetAtt': [logicalId(stack, stack.consoleSite.logsBucket.node.defaultChild), 'RegionalDomainName'],
    });
    // SPA routes by a viewer-request function on the bucket behaviour, not by error responses
    // (which would also rewrite the API's 403 and 404)
    expect(d.CustomErrorResponses).toBeUndefined();
    expect(d.DefaultCacheBehavior.FunctionAssociations).toHaveLength(1);
    expect(d.DefaultCacheBehavior.FunctionAssociations[0].EventType).toBe('viewer-request');
  });

  it('sends /api/v1/* to the console API uncached, with every viewer header but Host, over TLS 1.2', () => {
    const { stateless: stack } = built();
    const d = distribution();
    const api = (d.CacheBehaviors as Cfn[]).find((b) => b.PathPattern === '/api/v1/*');
    expect(d.CacheBehaviors).toHaveLength(1);
    expect(api).toMatchObject({
      ViewerProtocolPolicy: 'https-only',
      AllowedMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE'],
      // AWS managed policies: CachingDisabled and AllViewerExceptHostHeader
      CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad',
      OriginRequestPolicyId: 'b689b0a8-53d0-40ab-baf2-68738e2966ac',
    });
    const origin = (d.Origins as Cfn[]).find((o) => o.Id === api!.TargetOriginId)!;
    expect(origin.CustomOriginConfig).toMatchObject({
      OriginProtocolPolicy: 'https-only',
      OriginSSLProtocols: ['TLSv1.2'],
    });
    const apiId = logicalId(stack, stack.consoleApi.api.node.defaultChild);
    expect(render(origin.DomainName)).toBe(`<${apiId}>.execute-api.<AWS::Region>.<AWS::URLSuffix>`);
    // both behaviours carry the security headers
    expect(api!.ResponseHeadersPolicyId).toEqual(d.DefaultCacheBehavior.ResponseHeadersPolicyId);
  });

  it('answers with a strict CSP, HSTS, nosniff, frame DENY and a referrer policy', () => {
    const headers = onlyResource(stateless(), 'AWS::CloudFront::ResponseHeadersPolicy').Properties
      .ResponseHeadersPolicyConfig.SecurityHeadersConfig;
    expect(render(headers.ContentSecurityPolicy.ContentSecurityPolicy)).toBe(
      "default-src 'self'; connect-src 'self' https://cognito-idp.<AWS::Region>.amazonaws.com; script-src 'self'; " +
        "style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    );
    expect(headers.ContentSecurityPolicy.Override).toBe(true);
    expect(headers.StrictTransportSecurity).toMatchObject({ AccessControlMaxAgeSec: 31536000, Override: true });
    expect(headers.ContentTypeOptions).toEqual({ Override: true });
    expect(headers.FrameOptions).toEqual({ FrameOption: 'DENY', Override: true });
    expect(headers.ReferrerPolicy).toEqual({ ReferrerPolicy: 'no-referrer', Override: true });
  });

  it('deploys the files and console-config.json into the bucket, pruning old files and invalidating the cache', () => {
    const { stateful: sf, stateless: sl } = built();
    const deployment = onlyResource(stateless(), 'Custom::CDKBucketDeployment').Properties;
    expect(deployment.Prune).toBe(true);
    expect(deployment.DistributionPaths).toEqual(['/*']);
    expect(deployment.SourceObjectKeys).toHaveLength(2);
    const config = sl.resolve(sl.consoleSite.config) as Cfn;
    expect(config).toMatchObject({ stage: 'prod', apiBase: '/api/v1', mfa: 'required' });
    expect(config.cognito.endpoint).toEqual({
      'Fn::Join': ['', ['https://cognito-idp.', { Ref: 'AWS::Region' }, '.amazonaws.com/']],
    });
    expect(refersTo(config.cognito.userPoolId, logicalId(sf, sf.consoleAuth.userPool.node.defaultChild))).toBe(true);
    expect(refersTo(config.cognito.clientId, logicalId(sf, sf.consoleAuth.client.node.defaultChild))).toBe(true);
    // the deploy-time values (region, pool and client ids) are substituted into the JSON by the deployment
    expect(deployment.SourceMarkers).toHaveLength(2);
    const substituted = JSON.stringify(Object.values(deployment.SourceMarkers[1] as Record<string, unknown>));
    expect(substituted).toContain(logicalId(sf, sf.consoleAuth.userPool.node.defaultChild));
    expect(substituted).toContain(logicalId(sf, sf.consoleAuth.client.node.defaultChild));
  });

  it('uses the built console when dist/console has an index.html, and the placeholder page otherwise', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'tvat-console-'));
    try {
      expect(consoleAssetDir(root)).toBe(path.join(root, CONSOLE_PLACEHOLDER_DIR));
      mkdirSync(path.join(root, 'dist/console'), { recursive: true });
      expect(consoleAssetDir(root)).toBe(path.join(root, CONSOLE_PLACEHOLDER_DIR));
      writeFileSync(path.join(root, 'dist/console/index.html'), '<!doctype html>');
      expect(consoleAssetDir(root)).toBe(path.join(root, 'dist/console'));
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
    expect(consoleAssetDir(PROJECT_ROOT)).toMatch(/(dist\/console|console-placeholder)$/);
  });

  it('attaches the stage domain with TLS 1.2 at least, and the web ACL, when the stage gives them', () => {
    const certificateArn = 'arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789';
    const webAclArn = 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/tvat-console/0a1b2c3d-4e5f-6789';
    const app = buildApp('prod', testApp(), {
      env: {},
      alarmEmail: TEST_ALARM_EMAIL,
      projectRoot: PROJECT_ROOT,
      consoleDomain: 'console.tvat.test',
      consoleCertificateArn: certificateArn,
      consoleWebAclArn: webAclArn,
    });
    const d = onlyResource(Template.fromStack(app.stateless), 'AWS::CloudFront::Distribution').Properties
      .DistributionConfig;
    expect(d.Aliases).toEqual(['console.tvat.test']);
    expect(d.ViewerCertificate).toMatchObject({
      AcmCertificateArn: certificateArn,
      MinimumProtocolVersion: 'TLSv1.2_2021',
      SslSupportMethod: 'sni-only',
    });
    expect(d.WebACLId).toBe(webAclArn);
    expect(app.stateless.consoleSite.url).toBe('https://console.tvat.test');
  });
});

describe('console: SPA routing function (viewer request)', () => {
  const route = (uri: string): string =>
    (
      runInNewContext(`${SPA_ROUTING_FUNCTION}; handler({ request: { uri: ${JSON.stringify(uri)} } })`) as {
        uri: string;
      }
    ).uri;

  it("serves the app's routes as /index.html", () => {
    expect(route('/')).toBe('/index.html');
    expect(route('/positions')).toBe('/index.html');
    expect(route('/trades/01HXYZ')).toBe('/index.html');
  });

  it('leaves files alone, so a missing asset stays a miss', () => {
    expect(route('/assets/app-3f2a.js')).toBe('/assets/app-3f2a.js');
    expect(route('/console-config.json')).toBe('/console-config.json');
    expect(route('/index.html')).toBe('/index.html');
  });
});

describe('console: stage options', () => {
  it('refuses a console domain without a us-east-1 certificate, and a web ACL that is not CLOUDFRONT-scoped', () => {
    expect(() =>
      getStageConfig('prod', { alarmEmail: TEST_ALARM_EMAIL, consoleDomain: 'console.tvat.test' }, {}),
    ).toThrow(/consoleCertificateArn "" must be an ACM certificate ARN in us-east-1/);
    expect(() =>
      getStageConfig(
        'prod',
        {
          alarmEmail: TEST_ALARM_EMAIL,
          consoleDomain: 'console.tvat.test',
          consoleCertificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/abc',
        },
        {},
      ),
    ).toThrow(/must be an ACM certificate ARN in us-east-1/);
    expect(() =>
      getStageConfig(
        'prod',
        {
          alarmEmail: TEST_ALARM_EMAIL,
          consoleWebAclArn: 'arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/x/abc',
        },
        {},
      ),
    ).toThrow(/consoleWebAclArn .* must be a WAF web ACL of scope CLOUDFRONT/);
  });

  it('has neither by default', () => {
    const config = getStageConfig('prod', { alarmEmail: TEST_ALARM_EMAIL }, {});
    expect(config.consoleDomain).toBeUndefined();
    expect(config.consoleWebAclArn).toBeUndefined();
  });
});

describe('console: CSP helper', () => {
  it('names the region given in the Cognito connect-src', () => {
    expect(consoleContentSecurityPolicy('eu-central-1')).toContain(
      "connect-src 'self' https://cognito-idp.eu-central-1.amazonaws.com;",
    );
  });
});
