// One fixed public IP for the functions that sign exchange requests, so a user can restrict an
// exchange API key to it (stage option staticEgress, off by default; docs/SECURITY.md has the cost
// of each kind). A VPC with public subnets and private ones routed through ONE NAT whose Elastic IP
// comes from the stateful stack (kept across stateless redeploys: whitelisted addresses must not
// move). The functions reach AWS APIs (DynamoDB, SQS, KMS, logs) through the same NAT.
import { Validations } from 'aws-cdk-lib';
import {
  CfnEIPAssociation,
  InstanceType,
  IpAddresses,
  NatProvider,
  NatTrafficDirection,
  Peer,
  Port,
  SecurityGroup,
  SubnetType,
  Vpc,
  type NatInstanceProviderV2,
} from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { APP_PREFIX } from '../../shared/platform/resource-names';
import type { StaticEgressKind } from '../config/stages';

/** Small and literal (cdk-nag checks the NAT's ingress rule only on a literal): four /26 subnets, two zones. */
export const EGRESS_VPC_CIDR = '10.42.0.0/24';

/** The NAT instance's size: it forwards a few requests a second (t4g.nano, ARM, 2 vCPU burst). */
export const NAT_INSTANCE_TYPE = 't4g.nano';

export interface StaticEgressProps {
  stage: string;
  kind: StaticEgressKind;
  /** the Elastic IP's allocation id (stateful stack) */
  eipAllocationId: string;
}

export class StaticEgress extends Construct {
  readonly vpc: Vpc;
  /** for the functions: outbound only, nothing may connect to them */
  readonly functionSecurityGroup: SecurityGroup;

  constructor(scope: Construct, id: string, props: StaticEgressProps) {
    super(scope, id);
    const instance =
      props.kind === 'nat-instance'
        ? NatProvider.instanceV2({
            instanceType: new InstanceType(NAT_INSTANCE_TYPE),
            defaultAllowedTraffic: NatTrafficDirection.OUTBOUND_ONLY,
          })
        : undefined;
    const provider = instance ?? NatProvider.gateway({ eipAllocationIds: [props.eipAllocationId] });
    this.vpc = new Vpc(this, 'Vpc', {
      vpcName: `${APP_PREFIX}-${props.stage}-egress`,
      ipAddresses: IpAddresses.cidr(EGRESS_VPC_CIDR),
      maxAzs: 2,
      // One NAT: one address to whitelist. Both private subnets route through it.
      natGateways: 1,
      natGatewayProvider: provider,
      subnetConfiguration: [
        { name: 'public', subnetType: SubnetType.PUBLIC, cidrMask: 26 },
        { name: 'functions', subnetType: SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 26 },
      ],
      restrictDefaultSecurityGroup: true,
    });
    this.functionSecurityGroup = new SecurityGroup(this, 'FunctionSecurityGroup', {
      vpc: this.vpc,
      description: `${APP_PREFIX} ${props.stage}: functions behind the fixed egress IP (outbound only)`,
      allowAllOutbound: true,
    });
    Validations.of(this.vpc).acknowledge({
      id: 'AwsSolutions-VPC7',
      reason:
        'No VPC flow logs: the VPC exists only to give the exchange-calling functions one outbound address; nothing listens in it and no inbound connection is allowed. ' +
        'Their requests are in the functions logs and AWS API calls in CloudTrail; flow logs would cost ingestion for every exchange request and add no decision.',
    });
    if (instance) this.configureInstance(instance, props.eipAllocationId);
  }

  private configureInstance(instance: NatInstanceProviderV2, eipAllocationId: string): void {
    // Forwarding only: traffic from the VPC in, anything out; nothing from the internet.
    instance.connections.allowFrom(Peer.ipv4(EGRESS_VPC_CIDR), Port.allTraffic(), 'forward the private subnets');
    const gateway = instance.gatewayInstances[0];
    if (!gateway) throw new Error('the NAT instance provider created no instance');
    new CfnEIPAssociation(this, 'EipAssociation', { allocationId: eipAllocationId, instanceId: gateway.instanceId });
    Validations.of(gateway).acknowledge({
      id: 'AwsSolutions-EC26',
      reason:
        'The NAT instance keeps no data: its root volume holds the Amazon Linux image and NAT rules only; traffic passes through memory (and is TLS to the exchanges).',
    });
    Validations.of(gateway).acknowledge({
      id: 'AwsSolutions-EC28',
      reason:
        'Basic (5-minute) monitoring is enough for a forwarder; the functions behind it alarm on errors within 5 minutes when it stops forwarding.',
    });
    Validations.of(gateway).acknowledge({
      id: 'AwsSolutions-EC29',
      reason:
        'A single NAT instance by choice (the cheaper option, docs/SECURITY.md); termination protection would only block stack updates. Use staticEgress=nat-gateway for a managed, redundant NAT.',
    });
  }
}
