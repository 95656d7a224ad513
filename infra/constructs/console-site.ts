// The owner's console on the web: the built single-page app (dist/console) in a private bucket,
// served by CloudFront through origin access control, with the console API as a second origin on
// /api/v1/* so the browser talks to one origin (no CORS). A strict response-headers policy on both.
// The page's settings (API base, Cognito endpoint, pool and client ids) are written beside it as
// console-config.json at deploy time: nothing secret, and the bundle is the same for every stage.
import { type CfnElement, Duration, type RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  FunctionCode,
  FunctionEventType,
  FunctionRuntime,
  Function as CloudFrontFunction,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  OriginSslPolicy,
  PriceClass,
  ResponseHeadersPolicy,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { StringParameter } from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { APP_PREFIX, consoleUrlParameterName } from '../../shared/platform/resource-names';
import { CONSOLE_API_BASE_PATH } from './console-api';

/** What `npm run build:console` writes, relative to the project root. */
export const CONSOLE_DIST_DIR = 'dist/console';
/** Deployed instead when the console was not built, so synth never depends on a build step. */
export const CONSOLE_PLACEHOLDER_DIR = 'infra/assets/console-placeholder';
/** The page reads its settings from here (same origin). */
export const CONSOLE_CONFIG_KEY = 'console-config.json';

/** The console bundle when built, else the placeholder page. */
export function consoleAssetDir(projectRoot: string): string {
  const built = path.join(projectRoot, CONSOLE_DIST_DIR);
  return existsSync(path.join(built, 'index.html')) ? built : path.join(projectRoot, CONSOLE_PLACEHOLDER_DIR);
}

/**
 * The console's Content-Security-Policy: its own scripts, styles and images only (charts draw on
 * canvas; icons may be data: URIs), XHR to itself (the API) and to Cognito (sign-in and refresh),
 * never framed, no <base> rewriting, forms post only to itself.
 */
export function consoleContentSecurityPolicy(region: string): string {
  return [
    "default-src 'self'",
    `connect-src 'self' https://cognito-idp.${region}.amazonaws.com`,
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'self'",
  ].join('; ');
}

/**
 * CloudFront Function (viewer request, bucket behaviour only): a path whose last segment has no
 * dot is one of the SPA's routes (/positions, /trades/abc), served as /index.html. Done here and not
 * with the distribution's custom error responses (403/404 → /index.html 200), which apply to every
 * behaviour: they would turn the API's own 403 (forbidden_role, stale_auth) and 404 (not_found)
 * into a 200 HTML page. A missing file (/assets/x.js) stays a 403 from the bucket.
 */
export const SPA_ROUTING_FUNCTION = `function handler(event) {
  var request = event.request;
  var last = request.uri.substring(request.uri.lastIndexOf('/') + 1);
  if (last.indexOf('.') === -1) request.uri = '/index.html';
  return request;
}`;

export interface ConsoleSiteProps {
  stage: string;
  projectRoot: string;
  /** execute-api host name of the console API ($default stage: paths are /api/v1/... as the browser sends them) */
  apiDomainName: string;
  userPoolId: string;
  clientId: string;
  /** a web ACL (scope CLOUDFRONT, made in us-east-1) to attach, when the stage has one */
  webAclArn?: string;
  /** the console's own host name and its us-east-1 ACM certificate: TLS 1.2 at least (the default name cannot) */
  domain?: { domainName: string; certificateArn: string };
  logRetention: RetentionDays;
  removalPolicy: RemovalPolicy;
}

export class ConsoleSite extends Construct {
  /** server access logs of the site bucket and the distribution's standard logs */
  readonly logsBucket: Bucket;
  readonly bucket: Bucket;
  readonly distribution: Distribution;
  readonly headers: ResponseHeadersPolicy;
  readonly deployment: BucketDeployment;
  readonly url: string;
  /** the page's settings, as console-config.json holds them */
  readonly config: Record<string, unknown>;

  constructor(scope: Construct, id: string, props: ConsoleSiteProps) {
    super(scope, id);
    const { stage } = props;
    const region = Stack.of(this).region;

    // CloudFront's standard logs are delivered with an ACL grant to the bucket owner: ACLs enabled
    // (object writer), the only bucket here that needs them. Logs are kept 90 days.
    this.logsBucket = new Bucket(this, 'LogsBucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.OBJECT_WRITER,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      lifecycleRules: [{ id: 'ExpireLogs', expiration: Duration.days(90) }],
      removalPolicy: props.removalPolicy,
    });

    this.bucket = new Bucket(this, 'Bucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // S3-managed keys: CloudFront's OAC reads them without a KMS key policy.
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      serverAccessLogsBucket: this.logsBucket,
      serverAccessLogsPrefix: 'console-bucket/',
      removalPolicy: props.removalPolicy,
    });

    this.headers = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      responseHeadersPolicyName: `${APP_PREFIX}-${stage}-console-security`,
      comment: `${APP_PREFIX} ${stage}: console CSP, HSTS, nosniff, no framing`,
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: consoleContentSecurityPolicy(region), override: true },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(365),
          includeSubdomains: true,
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
      },
    });

    const spaRouting = new CloudFrontFunction(this, 'SpaRouting', {
      comment: `${APP_PREFIX} ${stage}: console routes -> /index.html`,
      code: FunctionCode.fromInline(SPA_ROUTING_FUNCTION),
      runtime: FunctionRuntime.JS_2_0,
    });

    this.distribution = new Distribution(this, 'Distribution', {
      comment: `${APP_PREFIX} ${stage}: owner's console`,
      defaultRootObject: 'index.html',
      defaultBehavior: {
        // OAC (SigV4 from CloudFront, bucket policy on this distribution's ARN), not the legacy OAI.
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: this.headers,
        functionAssociations: [{ eventType: FunctionEventType.VIEWER_REQUEST, function: spaRouting }],
        compress: true,
      },
      additionalBehaviors: {
        [`${CONSOLE_API_BASE_PATH}/*`]: {
          origin: new HttpOrigin(props.apiDomainName, {
            protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
            originSslProtocols: [OriginSslPolicy.TLS_V1_2],
          }),
          viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: AllowedMethods.ALLOW_ALL,
          // Nothing cached: answers are per user and live. With caching disabled, the all-viewer
          // origin request policy forwards Authorization too (AWS knowledge center,
          // "cloudfront-authorization-header"); Host is left out, execute-api routes by its own name.
          cachePolicy: CachePolicy.CACHING_DISABLED,
          originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
          responseHeadersPolicy: this.headers,
        },
      },
      priceClass: PriceClass.PRICE_CLASS_100,
      httpVersion: HttpVersion.HTTP2_AND_3,
      // A minimum TLS version is the certificate's security policy: only with the stage's own
      // domain (the *.cloudfront.net certificate's policy is CloudFront's, TLSv1; acknowledged below).
      ...(props.domain
        ? {
            domainNames: [props.domain.domainName],
            certificate: Certificate.fromCertificateArn(this, 'Certificate', props.domain.certificateArn),
            minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021,
          }
        : {}),
      enableLogging: true,
      logBucket: this.logsBucket,
      logFilePrefix: 'cloudfront/',
      ...(props.webAclArn ? { webAclId: props.webAclArn } : {}),
    });
    this.url = `https://${props.domain?.domainName ?? this.distribution.distributionDomainName}`;
    if (!props.domain)
      Validations.of(this.distribution).acknowledge({
        id: 'AwsSolutions-CFR4',
        reason:
          "The stage has no console domain, so the distribution answers on its *.cloudfront.net name, whose certificate's security policy CloudFront fixes at TLSv1 (no setting changes it). " +
          'Browsers that open the console negotiate TLS 1.2 or 1.3 anyway; a stage that must refuse older clients gives -c consoleDomain and -c consoleCertificateArn (us-east-1), which sets TLSv1.2_2021 and clears this finding. ' +
          'The origins are reached over TLS 1.2 only (S3 over HTTPS, the API with originSslProtocols TLSv1.2).',
      });
    if (!props.webAclArn)
      Validations.of(this.distribution).acknowledge({
        id: 'AwsSolutions-CFR2',
        reason:
          'No web ACL by default: a CLOUDFRONT-scope ACL lives in us-east-1 (a stack of its own in another region) and costs per month; the stage option -c consoleWebAclArn attaches one. ' +
          "Without it: the page is static files, and every /api/v1 request needs a Cognito access token checked by API Gateway's JWT authorizer before the function runs, under the API stage's throttle.",
      });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR1',
      reason:
        'No geo restriction: the console is for the owner and the people they share it with, wherever they travel; access is by Cognito sign-in with TOTP, not by location.',
    });

    this.config = {
      stage,
      // The API is on the page's own origin (/api/v1 through this distribution).
      apiBase: '/api/v1',
      cognito: {
        endpoint: `https://cognito-idp.${region}.amazonaws.com/`,
        region,
        userPoolId: props.userPoolId,
        clientId: props.clientId,
      },
      mfa: 'required',
    };
    // The copy runs in CDK's deployment function; its role is ours so it carries no managed policy
    // (AWSLambdaBasicExecutionRole is logs on every group): it writes its own log group only.
    const deploymentLogs = new LogGroup(this, 'DeploymentLogs', {
      retention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });
    const deploymentRole = new Role(this, 'DeploymentRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `${APP_PREFIX} ${stage}: copies the console's files into its bucket at deploy time`,
    });
    deploymentLogs.grantWrite(deploymentRole);
    this.deployment = new BucketDeployment(this, 'Deployment', {
      sources: [Source.asset(consoleAssetDir(props.projectRoot)), Source.jsonData(CONSOLE_CONFIG_KEY, this.config)],
      destinationBucket: this.bucket,
      role: deploymentRole,
      logGroup: deploymentLogs,
      // Files of an older build go; the new index.html and config are served at once.
      prune: true,
      distribution: this.distribution,
      distributionPaths: ['/*'],
      memoryLimit: 256,
    });

    this.acknowledgeDeploymentGrants(deploymentRole);

    new StringParameter(this, 'UrlParameter', {
      parameterName: consoleUrlParameterName(stage),
      description: `${APP_PREFIX} ${stage}: the console's address (CloudFront)`,
      stringValue: this.url,
    });
  }

  /**
   * The grants BucketDeployment adds to its role, which no option narrows: read of the CDK asset
   * bucket's objects, read-write of this site bucket, and CloudFront invalidations (which take no
   * resource narrower than "*"). cdk-nag names each wildcard; each is acknowledged by that name.
   */
  private acknowledgeDeploymentGrants(role: Role): void {
    const stack = Stack.of(this);
    const siteBucket = stack.getLogicalId(this.bucket.node.defaultChild as CfnElement);
    const reason =
      "Granted by CDK's BucketDeployment to the role that copies the console's files at deploy time (no option narrows it): " +
      'read of the CDK asset bucket objects holding the zipped build (s3:GetObject*, s3:GetBucket*, s3:List*), read-write of the console bucket it syncs and prunes ' +
      '(s3:GetObject*, s3:List*, s3:DeleteObject*, s3:Abort* on <bucket>/*), and cloudfront:CreateInvalidation/GetInvalidation, which take no resource narrower than "*". ' +
      'The function runs only as a CloudFormation custom resource during a deploy; nothing else can invoke it.';
    for (const finding of [
      'Action::s3:GetObject*',
      'Action::s3:GetBucket*',
      'Action::s3:List*',
      'Action::s3:DeleteObject*',
      'Action::s3:Abort*',
      `Resource::<${siteBucket}.Arn>/*`,
      'Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*',
      'Resource::*',
    ])
      Validations.of(role).acknowledge({ id: `AwsSolutions-IAM5[${finding}]`, reason });
    // The singleton function lives at the stack's root, named after its purpose and its memory.
    const handler = stack.node.children.find((c) => c.node.id.startsWith('Custom::CDKBucketDeployment'));
    if (!handler) throw new Error("BucketDeployment's function was not found at the stack's root");
    Validations.of(handler).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        "CDK's own BucketDeployment function: its runtime is the one the installed aws-cdk-lib ships (with the AWS CLI layer it needs) and moves with aws-cdk-lib upgrades; " +
        'it runs only during a deploy, as a custom resource.',
    });
  }
}
