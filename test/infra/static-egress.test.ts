// The fixed outbound IP (stage option staticEgress): off by default; on, the executor and the risk
// check (and only they) run in private subnets behind one NAT sending from the stateful stack's
// Elastic IP, which is output and published in SSM.
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildApp } from '../../infra/app-factory';
import { bareApp, logicalId, PROJECT_ROOT, refersTo, TEST_ALARM_EMAIL, testApp } from './support';

const withEgress = (kind: string) =>
  buildApp('prod', testApp(), { env: {}, alarmEmail: TEST_ALARM_EMAIL, projectRoot: PROJECT_ROOT, staticEgress: kind });
const built = new Map<string, ReturnType<typeof withEgress>>();
const app = (kind: 'nat-instance' | 'nat-gateway') => {
  if (!built.has(kind)) built.set(kind, withEgress(kind));
  return built.get(kind)!;
};

function functionsInVpc(b: ReturnType<typeof withEgress>): string[] {
  const t = Template.fromStack(b.stateless);
  return Object.values(t.findResources('AWS::Lambda::Function'))
    .filter((f) => f.Properties.VpcConfig)
    .map((f) => String(f.Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME))
    .sort();
}

describe('static egress', () => {
  it('is off by default: no VPC, no Elastic IP, no function in a VPC', () => {
    const b = bareApp('prod');
    Template.fromStack(b.stateless).resourceCountIs('AWS::EC2::VPC', 0);
    Template.fromStack(b.stateful).resourceCountIs('AWS::EC2::EIP', 0);
    expect(functionsInVpc(b)).toEqual([]);
  });

  it.each(['nat-instance', 'nat-gateway'] as const)(
    '%s: keeps the Elastic IP in the stateful stack, outputs it and publishes it in SSM',
    (kind) => {
      const b = app(kind);
      const t = Template.fromStack(b.stateful);
      const eipId = logicalId(b.stateful, b.stateful.egressIp);
      t.resourceCountIs('AWS::EC2::EIP', 1);
      expect(t.toJSON().Resources[eipId].DeletionPolicy).toBe('Retain');
      expect(t.findOutputs('EgressIp').EgressIp?.Value).toEqual({ 'Fn::GetAtt': [eipId, 'PublicIp'] });
      t.hasResourceProperties('AWS::SSM::Parameter', {
        Name: '/tvat/prod/egress-ip',
        Value: { 'Fn::GetAtt': [eipId, 'PublicIp'] },
      });
    },
  );

  it.each(['nat-instance', 'nat-gateway'] as const)(
    '%s: puts the executor and the risk check, and only them, in the private subnets',
    (kind) => {
      const b = app(kind);
      expect(functionsInVpc(b)).toEqual(['executor', 'risk-check']);
      const t = Template.fromStack(b.stateless);
      const privateSubnets = Object.entries(t.findResources('AWS::EC2::Subnet'))
        .filter(([, s]) => s.Properties.MapPublicIpOnLaunch === false)
        .map(([id]) => id);
      expect(privateSubnets).toHaveLength(2);
      for (const f of Object.values(t.findResources('AWS::Lambda::Function')).filter((x) => x.Properties.VpcConfig)) {
        expect(f.Properties.VpcConfig.SubnetIds.map((s: { Ref: string }) => s.Ref).sort()).toEqual(
          privateSubnets.sort(),
        );
      }
    },
  );

  it('nat-instance: one t4g.nano sending from the Elastic IP, reachable from the VPC only, and no NAT gateway', () => {
    const b = app('nat-instance');
    const t = Template.fromStack(b.stateless);
    t.resourceCountIs('AWS::EC2::NatGateway', 0);
    const instances = Object.entries(t.findResources('AWS::EC2::Instance'));
    expect(instances).toHaveLength(1);
    expect(instances[0]![1].Properties.InstanceType).toBe('t4g.nano');
    const association = Object.values(t.findResources('AWS::EC2::EIPAssociation'))[0]!.Properties;
    expect(association.InstanceId).toEqual({ Ref: instances[0]![0] });
    expect(refersTo(association.AllocationId, logicalId(b.stateful, b.stateful.egressIp))).toBe(true);
    // every private subnet's default route goes to that instance
    const defaults = Object.values(t.findResources('AWS::EC2::Route')).filter((r) => r.Properties.InstanceId);
    expect(defaults).toHaveLength(2);
    for (const r of defaults)
      expect(r.Properties).toMatchObject({ DestinationCidrBlock: '0.0.0.0/0', InstanceId: { Ref: instances[0]![0] } });
    const ingress = Object.values(t.findResources('AWS::EC2::SecurityGroup')).flatMap(
      (g) => g.Properties.SecurityGroupIngress ?? [],
    );
    expect(ingress.some((i: { CidrIp?: string }) => i.CidrIp === '0.0.0.0/0')).toBe(false);
  });

  it('nat-gateway: one NAT gateway on the Elastic IP', () => {
    const b = app('nat-gateway');
    const t = Template.fromStack(b.stateless);
    const gateways = Object.values(t.findResources('AWS::EC2::NatGateway'));
    expect(gateways).toHaveLength(1);
    expect(refersTo(gateways[0]!.Properties.AllocationId, logicalId(b.stateful, b.stateful.egressIp))).toBe(true);
    t.resourceCountIs('AWS::EC2::Instance', 0);
  });

  it.each(['nat-instance', 'nat-gateway'] as const)('%s: cdk-nag finds no unacknowledged error or warning', (kind) => {
    const b = app(kind);
    const findings = [b.stateful, b.stateless, b.monitoring].flatMap(
      (s) => new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(s).violations,
    );
    expect(
      findings.map((f) => `${f.ruleName} @ ${f.violatingResources.map((r) => r.constructPath).join(', ')}`),
    ).toEqual([]);
  });

  it('takes the cheaper NAT instance for -c staticEgress=true', () => {
    const b = buildApp('prod', testApp({ staticEgress: 'true' }), {
      env: {},
      alarmEmail: TEST_ALARM_EMAIL,
      projectRoot: PROJECT_ROOT,
    });
    expect(b.config.staticEgress).toBe('nat-instance');
  });

  it("lets the operator read the published IP (and nothing else of SSM but the console's parameters)", () => {
    const b = app('nat-instance');
    const policy = Template.fromStack(b.stateful).toJSON().Resources[
      logicalId(b.stateful, b.stateful.operatorAccess.policy.node.defaultChild)
    ];
    const ssm = (policy.Properties.PolicyDocument.Statement as { Action: string; Resource: unknown }[]).filter((st) =>
      String(st.Action).startsWith('ssm:'),
    );
    expect(ssm.map((st) => st.Action)).toEqual(['ssm:GetParameter', 'ssm:GetParameter']);
    const parameters = ssm.flatMap((st) => (Array.isArray(st.Resource) ? st.Resource : [st.Resource]));
    const names = parameters.map((r) => /:parameter(\/[^"]+)/.exec(JSON.stringify(r))?.[1]).sort();
    // the console's three: test/infra/console.test.ts
    expect(names).toEqual([
      '/tvat/prod/console/client-id',
      '/tvat/prod/console/url',
      '/tvat/prod/console/user-pool-id',
      '/tvat/prod/egress-ip',
    ]);
  });

  it('refuses an unknown kind, naming the allowed ones', () => {
    expect(() => withEgress('nat-box')).toThrow(/staticEgress "nat-box" must be one of nat-instance, nat-gateway/);
  });
});
