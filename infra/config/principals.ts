// The IAM roles the credentials key policy names. The key lives in the stateful stack and the
// function roles in the stateless one, which already depends on the stateful stack (tables, key):
// a cross-stack reference back would be a cycle. So these roles get fixed names, and the key
// policy names them by ARN built from those names, under an aws:PrincipalArn condition (a key
// policy Principal must exist when the policy is put; a condition key need not, so the stateful
// stack deploys first, as it always has).
import { Aws } from 'aws-cdk-lib';
import { APP_PREFIX } from '../../shared/platform/resource-names';

/** The functions that open exchange credentials (KMS Decrypt). */
export type DecryptingFunction = 'executor' | 'risk-check';
export const DECRYPTING_FUNCTIONS: readonly DecryptingFunction[] = ['executor', 'risk-check'];

// IAM role names are global to the account: the region keeps one stage in two regions apart.
// Longest: tvat-<stage>-risk-check-ap-southeast-3 (37 characters for prod), under IAM's 64.

/** The execution role of a function that decrypts credentials. */
export const functionRoleName = (stage: string, fn: DecryptingFunction): string =>
  `${APP_PREFIX}-${stage}-${fn}-${Aws.REGION}`;

/**
 * The price watcher's task role (stage option `watcher`, infra/constructs/price-watcher-service.ts):
 * it moves emulated trailing stops on live accounts, so it opens their keys like the risk check.
 * Longest: tvat-prod-price-watcher-ap-southeast-3 (38 characters).
 */
export const watcherRoleName = (stage: string): string => `${APP_PREFIX}-${stage}-price-watcher-${Aws.REGION}`;

/** Every role the credentials key lets decrypt: the two functions, and the watcher's task role when the stage runs it. */
export const decryptingRoleNames = (stage: string, watcher: boolean): string[] => [
  ...DECRYPTING_FUNCTIONS.map((fn) => functionRoleName(stage, fn)),
  ...(watcher ? [watcherRoleName(stage)] : []),
];

/** The role a person assumes to run the CLI against the stage (`--stage`). */
export const operatorRoleName = (stage: string): string => `${APP_PREFIX}-${stage}-operator-${Aws.REGION}`;

/** arn:<partition>:iam::<account>:role/<name> (default path "/", which these roles use). */
export const roleArn = (name: string): string => `arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:role/${name}`;
