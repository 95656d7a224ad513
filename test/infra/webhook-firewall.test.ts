// The webhook edge on the synthesized templates: AWS WAF on the REST API stage refuses what is not
// TradingView (or Telegram on /telegram) in prod, and limits each account's path, before API
// Gateway's throttle and the function.
import { Template } from 'aws-cdk-lib/assertions';
import { TRADINGVIEW_WEBHOOK_IPS } from '../../infra/config/stages';
import { TELEGRAM_WEBHOOK_CIDRS } from '../../infra/constructs/webhook-firewall';
import { bareApp, builtApp, logicalId, refersTo } from './support';

/** The parts of a synthesized WAF statement these tests read. */
interface WafStatement {
  AndStatement: {
    Statements: { IPSetReferenceStatement?: { Arn: unknown }; ByteMatchStatement?: Record<string, unknown> }[];
  };
  RateBasedStatement?: Record<string, unknown>;
}
type Rule = {
  Name: string;
  Priority: number;
  Action: Record<string, unknown>;
  Statement: WafStatement;
  VisibilityConfig: { MetricName: string };
};

function firewall(b: ReturnType<typeof builtApp>) {
  const t = Template.fromStack(b.stateless);
  const acls = Object.values(t.findResources('AWS::WAFv2::WebACL'));
  expect(acls).toHaveLength(1);
  const acl = acls[0]!.Properties as { Scope: string; DefaultAction: Record<string, unknown>; Rules: Rule[] };
  const ipSets = t.findResources('AWS::WAFv2::IPSet') as Record<string, { Properties: { Addresses: string[] } }>;
  /** the addresses of the IP set a rule's AND statement references */
  const addressesOf = (rule: Rule | undefined): string[] => {
    const ref = rule?.Statement.AndStatement.Statements.find((x) => x.IPSetReferenceStatement)?.IPSetReferenceStatement
      ?.Arn;
    const id = Object.keys(ipSets).find((k) => refersTo(ref, k));
    return id ? [...ipSets[id]!.Properties.Addresses].sort() : [];
  };
  const pathOf = (rule: Rule | undefined): unknown =>
    rule?.Statement.AndStatement.Statements.find((x) => x.ByteMatchStatement)?.ByteMatchStatement;
  return { t, acl, rule: (name: string) => acl.Rules.find((r) => r.Name === name), addressesOf, pathOf };
}

describe('webhook firewall (prod)', () => {
  const prod = () => firewall(builtApp('prod'));

  it('is a REGIONAL web ACL associated with the REST API stage', () => {
    const { t, acl } = prod();
    const { stateless } = builtApp('prod');
    expect(acl.Scope).toBe('REGIONAL');
    const association = Object.values(t.findResources('AWS::WAFv2::WebACLAssociation'))[0]!.Properties;
    expect(
      refersTo(association.ResourceArn, logicalId(stateless, stateless.api.deploymentStage.node.defaultChild)),
    ).toBe(true);
    expect(refersTo(association.WebACLArn, logicalId(stateless, stateless.webAcl.webAcl))).toBe(true);
  });

  it('blocks by default: only the allow rules let a request through', () => {
    expect(prod().acl.DefaultAction).toEqual({ Block: {} });
  });

  it("allows POSTs under /live/webhook from TradingView's published addresses only", () => {
    const { rule, addressesOf, pathOf } = prod();
    const tv = rule('TradingViewWebhooks');
    expect(tv?.Action).toEqual({ Allow: {} });
    expect(addressesOf(tv)).toEqual(TRADINGVIEW_WEBHOOK_IPS.map((ip) => `${ip}/32`).sort());
    expect(addressesOf(tv)).toEqual(['34.212.75.30/32', '52.32.178.7/32', '52.89.214.238/32', '54.218.53.128/32']);
    expect(pathOf(tv)).toMatchObject({
      FieldToMatch: { UriPath: {} },
      PositionalConstraint: 'STARTS_WITH',
      SearchString: '/live/webhook',
    });
  });

  it("allows /live/telegram from Telegram's published ranges only", () => {
    const { rule, addressesOf, pathOf } = prod();
    const tg = rule('TelegramUpdates');
    expect(tg?.Action).toEqual({ Allow: {} });
    expect(addressesOf(tg)).toEqual([...TELEGRAM_WEBHOOK_CIDRS].sort());
    expect(pathOf(tg)).toMatchObject({ SearchString: '/live/telegram' });
  });

  it('has no Telegram rule when Telegram is off', () => {
    const bare = firewall(bareApp('prod'));
    expect(bare.acl.Rules.map((r) => r.Name).sort()).toEqual(['AccountRateLimit', 'TradingViewWebhooks']);
  });

  it('limits each webhook path (one account) first, answering 429, before any allow rule ends the evaluation', () => {
    const { acl, rule } = prod();
    const { config } = builtApp('prod');
    const rate = rule('AccountRateLimit');
    expect(rate?.Priority).toBe(Math.min(...acl.Rules.map((r) => r.Priority)));
    expect(rate?.Action).toEqual({ Block: { CustomResponse: { ResponseCode: 429 } } });
    expect(rate?.Statement.RateBasedStatement).toMatchObject({
      Limit: config.webhook.accountRateLimit.limit,
      EvaluationWindowSec: config.webhook.accountRateLimit.windowSeconds,
      AggregateKeyType: 'CUSTOM_KEYS',
      CustomKeys: [{ UriPath: { TextTransformations: [{ Priority: 0, Type: 'NONE' }] } }],
      ScopeDownStatement: {
        ByteMatchStatement: { PositionalConstraint: 'STARTS_WITH', SearchString: '/live/webhook' },
      },
    });
  });
});

describe('webhook firewall (dev: no allowlist)', () => {
  it('allows by default and keeps only the per-account rate rule', () => {
    const dev = firewall(builtApp('dev'));
    expect(dev.acl.DefaultAction).toEqual({ Allow: {} });
    expect(dev.acl.Rules.map((r) => r.Name)).toEqual(['AccountRateLimit']);
    dev.t.resourceCountIs('AWS::WAFv2::IPSet', 0);
  });
});
