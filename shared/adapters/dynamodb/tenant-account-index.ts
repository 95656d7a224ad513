// The index of a tenant's accounts, read only: the console API lists a tenant's accounts with it
// and holds no write on the tenants table, so no handler bug can change a tenant's plan or members
// (DynamoTenantDirectory, the full directory, is the CLI's and the admin's).
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { TenantId } from '../../core/domain/tenant';
import type { TenantAccountIndex } from '../../core/tenancy/tenant-accounts';
import { queryAll } from './query-all';
import type { DynamoTableAccess } from './table-access';

export class DynamoTenantAccountIndex implements TenantAccountIndex {
  static readonly tableAccess: DynamoTableAccess = { table: 'tenants', actions: ['dynamodb:Query'] };

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /** A Query of the tenant's own partition (`account#<id>` items): what the tenant data role allows. */
  async accountIds(tenantId: TenantId): Promise<string[]> {
    const items = await queryAll<{ itemKey: string }>(this.db, {
      TableName: this.table,
      KeyConditionExpression: 'tenantId = :t AND begins_with(itemKey, :a)',
      ExpressionAttributeValues: { ':t': tenantId, ':a': 'account#' },
      ProjectionExpression: 'itemKey',
    });
    return items.map((i) => i.itemKey.slice('account#'.length));
  }
}
