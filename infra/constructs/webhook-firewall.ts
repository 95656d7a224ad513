// AWS WAF in front of the webhook API's stage: what is refused here never reaches API Gateway's
// throttle, the function or the bill for either (WAF rules are evaluated before any other API
// Gateway access control; docs/SECURITY.md has the sources and the cost).
//
// Rules, in order (the first matching Allow or Block ends the evaluation):
//   0 AccountRateLimit: more than `accountRateLimit.limit` requests in the window on one URI path
//     under /webhook, i.e. per account for POST /webhook/{account}, are answered 429 by WAF.
//     One account's runaway (or spoofed) alerts cannot use up the stage budget of the others.
//   1 TradingViewWebhooks (when the stage has an allowlist): the published TradingView addresses
//     may POST under /webhook.
//   2 TelegramUpdates (when Telegram is on and there is an allowlist): Telegram's published
//     webhook ranges may POST /telegram.
//   default: Block when there is an allowlist (prod), else Allow (dev: only the rate rule).
import { CfnIPSet, CfnWebACL, CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { APP_PREFIX } from '../../shared/platform/resource-names';
import type { AccountRateLimit } from '../config/stages';

/**
 * Telegram's webhook source ranges, from its own guide (core.telegram.org/bots/webhooks: "accepts
 * incoming POST requests from 149.154.160.0/20 and 91.108.4.0/22").
 */
export const TELEGRAM_WEBHOOK_CIDRS: readonly string[] = ['149.154.160.0/20', '91.108.4.0/22'];

export interface WebhookFirewallProps {
  stage: string;
  /** arn:aws:apigateway:<region>::/restapis/<id>/stages/<stage> */
  apiStageArn: string;
  /** the stage segment every request path starts with, e.g. /live */
  pathPrefix: string;
  /** empty = no source-IP rule (dev) */
  tradingViewIps: readonly string[];
  /** the /telegram route exists */
  telegram: boolean;
  accountRateLimit: AccountRateLimit;
}

export const ACCOUNT_RATE_RULE = 'AccountRateLimit';

export class WebhookFirewall extends Construct {
  readonly webAcl: CfnWebACL;
  /** its name, which is also its metric name (the WebACL dimension of AWS/WAFV2 metrics) */
  readonly webAclName: string;
  /** the per-account rate rule's metric name (the Rule dimension of AWS/WAFV2 metrics) */
  readonly accountRateMetricName: string;

  constructor(scope: Construct, id: string, props: WebhookFirewallProps) {
    super(scope, id);
    const { stage } = props;
    const restricted = props.tradingViewIps.length > 0;
    this.webAclName = `${APP_PREFIX}-${stage}-webhook`;
    this.accountRateMetricName = `${this.webAclName}-${ACCOUNT_RATE_RULE}`;
    const visibility = (metricName: string): CfnWebACL.VisibilityConfigProperty => ({
      metricName,
      cloudWatchMetricsEnabled: true,
      sampledRequestsEnabled: true,
    });
    const pathStartsWith = (path: string): CfnWebACL.StatementProperty => ({
      byteMatchStatement: {
        fieldToMatch: { uriPath: {} },
        positionalConstraint: 'STARTS_WITH',
        searchString: `${props.pathPrefix}${path}`,
        textTransformations: [{ priority: 0, type: 'NONE' }],
      },
    });
    const ipSet = (setId: string, description: string, addresses: readonly string[]) =>
      new CfnIPSet(this, setId, {
        scope: 'REGIONAL',
        ipAddressVersion: 'IPV4',
        addresses: [...addresses],
        description,
      });

    const rules: CfnWebACL.RuleProperty[] = [
      {
        name: ACCOUNT_RATE_RULE,
        priority: 0,
        statement: {
          rateBasedStatement: {
            limit: props.accountRateLimit.limit,
            evaluationWindowSec: props.accountRateLimit.windowSeconds,
            aggregateKeyType: 'CUSTOM_KEYS',
            customKeys: [{ uriPath: { textTransformations: [{ priority: 0, type: 'NONE' }] } }],
            scopeDownStatement: pathStartsWith('/webhook'),
          },
        },
        // 429 like API Gateway's throttle: TradingView does not retry it, and it reads as a limit.
        action: { block: { customResponse: { responseCode: 429 } } },
        visibilityConfig: visibility(this.accountRateMetricName),
      },
    ];
    if (restricted) {
      const tradingView = ipSet(
        'TradingViewIps',
        `${APP_PREFIX} ${stage}: TradingView webhook source addresses`,
        props.tradingViewIps.map((ip) => `${ip}/32`),
      );
      rules.push({
        name: 'TradingViewWebhooks',
        priority: 1,
        statement: {
          andStatement: {
            statements: [{ ipSetReferenceStatement: { arn: tradingView.attrArn } }, pathStartsWith('/webhook')],
          },
        },
        action: { allow: {} },
        visibilityConfig: visibility(`${this.webAclName}-TradingViewWebhooks`),
      });
      if (props.telegram) {
        const telegram = ipSet(
          'TelegramIps',
          `${APP_PREFIX} ${stage}: Telegram webhook source ranges`,
          TELEGRAM_WEBHOOK_CIDRS,
        );
        rules.push({
          name: 'TelegramUpdates',
          priority: 2,
          statement: {
            andStatement: {
              statements: [{ ipSetReferenceStatement: { arn: telegram.attrArn } }, pathStartsWith('/telegram')],
            },
          },
          action: { allow: {} },
          visibilityConfig: visibility(`${this.webAclName}-TelegramUpdates`),
        });
      }
    }

    this.webAcl = new CfnWebACL(this, 'WebAcl', {
      name: this.webAclName,
      // WAF descriptions allow no parentheses
      description: `${APP_PREFIX} ${stage}: webhook edge, per-account rate limit${restricted ? ', TradingView and Telegram source addresses only' : ''}`,
      scope: 'REGIONAL',
      defaultAction: restricted ? { block: {} } : { allow: {} },
      rules,
      visibilityConfig: visibility(this.webAclName),
    });
    new CfnWebACLAssociation(this, 'Association', { resourceArn: props.apiStageArn, webAclArn: this.webAcl.attrArn });
  }
}
