// The console's API: ANY /api/v1/{proxy+} on an HTTP API whose JWT authorizer accepts only the
// console user pool's access tokens for the console's app client, in front of the console-api
// function. An HTTP API of its own, beside the webhook's REST API: the webhook needs a REST API for
// AWS WAF, the console needs API Gateway's JWT authorizer (HTTP APIs only), whose claims reach the
// function as requestContext.authorizer.jwt.claims (the api contract). The browser reaches it
// through the console's CloudFront distribution, on the same origin as the page: no CORS at all.
import { type RemovalPolicy, Stack } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  HttpApi,
  HttpMethod,
  type HttpStage,
  LogGroupLogDestination,
  PayloadFormatVersion,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { APP_PREFIX } from '../../shared/platform/resource-names';

/** Every console API path starts with this (CloudFront routes it to this API, the rest to the bucket). */
export const CONSOLE_API_BASE_PATH = '/api/v1';

/** A person's clicks and a page polling every few seconds: far below this, which caps a runaway client. */
export const CONSOLE_API_THROTTLE = { rateLimit: 20, burstLimit: 40 } as const;

/**
 * The access log: what was asked (the route template, never the raw path), by whom (the token's
 * sub, never the token) and what came of it. No headers, no query string, no body.
 */
export const CONSOLE_API_ACCESS_LOG_FIELDS: Readonly<Record<string, string>> = {
  requestId: '$context.requestId',
  requestTime: '$context.requestTime',
  sourceIp: '$context.identity.sourceIp',
  userAgent: '$context.identity.userAgent',
  routeKey: '$context.routeKey',
  protocol: '$context.protocol',
  status: '$context.status',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationStatus: '$context.integrationStatus',
  integrationLatency: '$context.integrationLatency',
  integrationError: '$context.integrationErrorMessage',
  authorizerError: '$context.authorizer.error',
  sub: '$context.authorizer.claims.sub',
};

export interface ConsoleApiProps {
  stage: string;
  /** the console-api function (its role and grants are the caller's) */
  handler: IFunction;
  userPoolId: string;
  /** the app client id: API Gateway matches it against an access token's client_id */
  clientId: string;
  logRetention: RetentionDays;
  removalPolicy: RemovalPolicy;
}

export class ConsoleApi extends Construct {
  readonly api: HttpApi;
  readonly stage: HttpStage;
  readonly authorizer: HttpJwtAuthorizer;
  readonly accessLogs: LogGroup;
  /** https://cognito-idp.<region>.amazonaws.com/<poolId>: the tokens' iss */
  readonly issuer: string;

  constructor(scope: Construct, id: string, props: ConsoleApiProps) {
    super(scope, id);
    const region = Stack.of(this).region;

    this.api = new HttpApi(this, 'Api', {
      apiName: `${APP_PREFIX}-${props.stage}-console`,
      description: `${APP_PREFIX} ${props.stage}: the owner's console API (JWT, behind the console's CloudFront)`,
      // The stage is declared below, with its access log and throttle.
      createDefaultStage: false,
      // No corsPreflight: the console and this API share the distribution's origin.
    });
    this.accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });
    this.stage = this.api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: CONSOLE_API_THROTTLE,
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogs),
        format: AccessLogFormat.custom(JSON.stringify(CONSOLE_API_ACCESS_LOG_FIELDS)),
      },
    });

    this.issuer = `https://cognito-idp.${region}.amazonaws.com/${props.userPoolId}`;
    this.authorizer = new HttpJwtAuthorizer('CognitoJwt', this.issuer, {
      authorizerName: 'cognito-console',
      jwtAudience: [props.clientId],
      identitySource: ['$request.header.Authorization'],
    });
    this.api.addRoutes({
      path: `${CONSOLE_API_BASE_PATH}/{proxy+}`,
      methods: [HttpMethod.ANY],
      integration: new HttpLambdaIntegration('ConsoleApiIntegration', props.handler, {
        payloadFormatVersion: PayloadFormatVersion.VERSION_2_0,
      }),
      authorizer: this.authorizer,
    });
  }

  /** execute-api's host name: CloudFront's origin for /api/v1/* (the $default stage has no path prefix) */
  get domainName(): string {
    return `${this.api.apiId}.execute-api.${Stack.of(this).region}.${Stack.of(this).urlSuffix}`;
  }
}
