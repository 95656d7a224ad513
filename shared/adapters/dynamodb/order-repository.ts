import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { OrderRecord } from '../../core/domain/order';
import type { OrderRepository, PutIntentResult } from '../../core/ports/repositories';
import { withDecimals } from './decimal-fields';
import { isConditionFailure, setExpression } from './document-client';
import { queryAll } from './query-all';
import { TransientError } from '../../core/errors';
import type { DynamoTableAccess } from './table-access';

export class DynamoOrderRepository implements OrderRepository {
  static readonly tableAccess: DynamoTableAccess = {
    table: 'orders',
    actions: ['dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:Query'],
  };

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async putIntent(order: OrderRecord): Promise<PutIntentResult> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: order,
          ConditionExpression: 'attribute_not_exists(clientOrderId)',
        }),
      );
      return { created: true };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    const existing = await this.get(order.accountId, order.clientOrderId);
    if (!existing) throw new TransientError(`order ${order.clientOrderId} vanished after a conditional conflict`);
    return { created: false, existing };
  }

  async update(accountId: string, clientOrderId: string, patch: Partial<OrderRecord>): Promise<void> {
    const { accountId: _a, clientOrderId: _c, ...rest } = patch;
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { accountId, clientOrderId },
        ConditionExpression: 'attribute_exists(clientOrderId)',
        ...setExpression(rest),
      }),
    );
  }

  async get(accountId: string, clientOrderId: string): Promise<OrderRecord | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.table, Key: { accountId, clientOrderId }, ConsistentRead: true }),
    );
    return out.Item ? withDecimals(out.Item as OrderRecord, ['fee']) : undefined;
  }

  async listByAccount(accountId: string, limit = 200): Promise<OrderRecord[]> {
    // Client ids are hashes, so the sort key carries no time: sort in code (an account's history
    // is small; a time-ordered GSI is the upgrade path if it is not).
    const items = await queryAll<OrderRecord>(this.db, {
      TableName: this.table,
      KeyConditionExpression: 'accountId = :a',
      ExpressionAttributeValues: { ':a': accountId },
    });
    return items
      .sort((a, b) => b.createdAt - a.createdAt)
      .slice(0, limit)
      .map((o) => withDecimals(o, ['fee']));
  }
}

/** One order by client id, nothing else (GetItem only): the funding-arb job reads its legs' entries. */
export class DynamoOrderReader implements Pick<OrderRepository, 'get'> {
  static readonly tableAccess: DynamoTableAccess = { table: 'orders', actions: ['dynamodb:GetItem'] };

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async get(accountId: string, clientOrderId: string): Promise<OrderRecord | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.table, Key: { accountId, clientOrderId }, ConsistentRead: true }),
    );
    return out.Item ? withDecimals(out.Item as OrderRecord, ['fee']) : undefined;
  }
}
