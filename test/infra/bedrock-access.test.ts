// The Bedrock grant as synthesized: bedrock:InvokeModel (what Converse is authorised as) on the
// configured model only: a foundation model in the stack's region, or an inference profile in the
// stack's account plus the foundation model it routes to; an ARN passes as given; nothing else.
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AccountRootPrincipal, Role } from 'aws-cdk-lib/aws-iam';
import { grantInvokeModel } from '../../infra/constructs/bedrock-access';

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

/** Fn::Join with the partition as `aws`, as IAM will see it in the commercial partition. */
const text = (value: unknown): string => {
  if (typeof value === 'string') return value;
  const v = value as { 'Fn::Join'?: [string, unknown[]]; Ref?: string };
  if (v.Ref === 'AWS::Partition') return 'aws';
  if (v['Fn::Join']) return v['Fn::Join'][1].map(text).join(v['Fn::Join'][0]);
  throw new Error(`unexpected token ${JSON.stringify(value)}`);
};

function statementsFor(modelId: string): Statement[] {
  const stack = new Stack(new App(), 'S', { env: { account: '111122223333', region: 'eu-west-1' } });
  const role = new Role(stack, 'AskingFunctionRole', { assumedBy: new AccountRootPrincipal() });
  grantInvokeModel(role, stack, modelId);
  const policies = Template.fromStack(stack).findResources('AWS::IAM::Policy') as Record<
    string,
    { Properties: { PolicyDocument: { Statement: Statement[] } } }
  >;
  return Object.values(policies).flatMap((p) => p.Properties.PolicyDocument.Statement);
}
const resources = (s: Statement) => [s.Resource].flat().map(text);

test('a foundation model: InvokeModel on that model in the stack region, nothing else', () => {
  const statements = statementsFor('anthropic.claude-3-haiku-20240307-v1:0');
  expect(statements).toHaveLength(1);
  expect(statements[0]).toMatchObject({ Effect: 'Allow', Action: 'bedrock:InvokeModel' });
  expect(resources(statements[0]!)).toEqual([
    'arn:aws:bedrock:eu-west-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0',
  ]);
});

test('a cross-region inference profile: the profile in this account, and the model it routes to', () => {
  const [statement] = statementsFor('eu.anthropic.claude-3-haiku-20240307-v1:0');
  expect(resources(statement!)).toEqual([
    'arn:aws:bedrock:eu-west-1:111122223333:inference-profile/eu.anthropic.claude-3-haiku-20240307-v1:0',
    'arn:aws:bedrock:*::foundation-model/anthropic.claude-3-haiku-20240307-v1:0',
  ]);
});

test('an ARN is granted as given; a malformed id is refused at synth', () => {
  const arn = 'arn:aws:bedrock:eu-west-1:111122223333:application-inference-profile/abc123';
  expect(resources(statementsFor(arn)[0]!)).toEqual([arn]);
  expect(() => statementsFor('model with spaces')).toThrow('LLM_MODEL: not a Bedrock model id');
});
