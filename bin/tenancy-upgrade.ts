// `upgrade tenancy` wired to a stage's (or the local stack's) tables and user pool: the tenants
// directory, a Scan of the accounts (the upgrade is a system job: it covers every account), and the
// console's Cognito pool through the real SDK (the local stand-in speaks the same protocol). The
// local stack runs it at every start (bin/local/stack.ts): idempotent, a few reads when done.
import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoAccountDirectory } from '../shared/adapters/dynamodb/account-repository';
import { DynamoTenantDirectory } from '../shared/adapters/dynamodb/tenant-directory';
import { systemClock } from '../shared/core/ports/runtime';
import {
  TenancyUpgrade,
  type PoolUser,
  type TenancyUpgradeReport,
  type UpgradeUserPool,
} from '../shared/core/tenancy/upgrade';
import { tableName } from '../shared/platform/resource-names';

export interface UpgradeTarget {
  db: DynamoDBDocumentClient;
  stage: string;
  /** the console's user pool; absent: a deployment without the console (no users to move) */
  cognito?: { client: CognitoIdentityProviderClient; userPoolId: string };
  progress?: (line: string) => void;
}

export async function runTenancyUpgrade(target: UpgradeTarget): Promise<TenancyUpgradeReport> {
  const accounts = new DynamoAccountDirectory(target.db, tableName(target.stage, 'accounts'));
  return new TenancyUpgrade({
    directory: new DynamoTenantDirectory(target.db, tableName(target.stage, 'tenants')),
    allAccountIds: async () => (await accounts.list()).map((a) => a.accountId),
    ...(target.cognito ? { pool: await cognitoPool(target.cognito.client, target.cognito.userPoolId) } : {}),
    clock: systemClock,
    ...(target.progress ? { progress: target.progress } : {}),
  }).run();
}

async function cognitoPool(client: CognitoIdentityProviderClient, UserPoolId: string): Promise<UpgradeUserPool> {
  const { AdminAddUserToGroupCommand, AdminListGroupsForUserCommand, ListUsersCommand } =
    await import('@aws-sdk/client-cognito-identity-provider');
  return {
    async users(): Promise<PoolUser[]> {
      const users: PoolUser[] = [];
      let PaginationToken: string | undefined;
      do {
        const page = await client.send(
          new ListUsersCommand({ UserPoolId, ...(PaginationToken ? { PaginationToken } : {}) }),
        );
        for (const u of page.Users ?? []) {
          const attribute = (name: string) => u.Attributes?.find((a) => a.Name === name)?.Value;
          const userId = attribute('sub');
          if (!u.Username || !userId) continue;
          const groups: string[] = [];
          let NextToken: string | undefined;
          do {
            const out = await client.send(
              new AdminListGroupsForUserCommand({
                UserPoolId,
                Username: u.Username,
                ...(NextToken ? { NextToken } : {}),
              }),
            );
            groups.push(...(out.Groups ?? []).map((g) => g.GroupName ?? '').filter(Boolean));
            NextToken = out.NextToken;
          } while (NextToken);
          users.push({ username: u.Username, userId, email: (attribute('email') ?? u.Username).toLowerCase(), groups });
        }
        PaginationToken = page.PaginationToken;
      } while (PaginationToken);
      return users;
    },
    async addToGroup(Username: string, GroupName: string): Promise<void> {
      await client.send(new AdminAddUserToGroupCommand({ UserPoolId, Username, GroupName }));
    },
  };
}
