// The one IAM grant a function that asks a model through Bedrock needs (docs/AI.md): Converse is
// authorised as bedrock:InvokeModel, on the configured model only. Nothing else: no other model,
// no streaming (bedrock:InvokeModelWithResponseStream), no model management. No function asks yet;
// a stack that adds one calls grantInvokeModel with the stage's LLM_MODEL.
// https://docs.aws.amazon.com/bedrock/latest/userguide/security-iam.html
import { Aws, Stack } from 'aws-cdk-lib';
import { Effect, type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';

/** Cross-region inference profile ids start with their geography (us.anthropic.claude-…). */
const PROFILE_PREFIX = /^(?:us|eu|apac|us-gov|ca|jp|au|global)\./;
const MODEL_ID = /^[\w.:-]{1,200}$/;

/**
 * The resources a Converse call on `modelId` is authorised against: a foundation model's ARN
 * (no account, this region); for an inference profile, the profile in this account and region and
 * the foundation model in every region the profile may route to.
 */
export function invokeModelResources(scope: Construct, modelId: string): string[] {
  if (modelId.startsWith('arn:')) return [modelId];
  if (!MODEL_ID.test(modelId)) throw new Error(`LLM_MODEL: not a Bedrock model id: ${modelId.slice(0, 60)}`);
  const stack = Stack.of(scope);
  const foundation = (region: string, id: string) => `arn:${Aws.PARTITION}:bedrock:${region}::foundation-model/${id}`;
  if (!PROFILE_PREFIX.test(modelId)) return [foundation(stack.region, modelId)];
  return [
    `arn:${Aws.PARTITION}:bedrock:${stack.region}:${stack.account}:inference-profile/${modelId}`,
    foundation('*', modelId.replace(PROFILE_PREFIX, '')),
  ];
}

/** Lets `grantee` call Converse on `modelId` and nothing else. */
export function grantInvokeModel(grantee: IGrantable, scope: Construct, modelId: string): void {
  grantee.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({
      effect: Effect.ALLOW,
      actions: ['bedrock:InvokeModel'],
      resources: invokeModelResources(scope, modelId),
    }),
  );
}
