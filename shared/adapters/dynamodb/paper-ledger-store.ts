// The paper exchange's own books in one table: the state item (`state`) and one item per order
// (`o#<clientOrderId>`), so a paper order is found by client id exactly like a real one.
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { PaperLedgerStore, PaperOrder, PaperState } from '../../core/ports/paper';
import { withDecimals } from './decimal-fields';
import { isConditionFailure, putVersioned } from './document-client';
import { queryAll } from './query-all';
import type { DynamoTableAccess } from './table-access';

const STATE = 'state';
const orderKey = (clientOrderId: string): string => `o#${clientOrderId}`;

export class DynamoPaperLedgerStore implements PaperLedgerStore {
  /** updates are whole-item puts (saveState versioned, updateOrder): no UpdateItem */
  static readonly tableAccess: DynamoTableAccess = {
    table: 'paper',
    actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'],
  };

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async getState(accountId: string): Promise<PaperState | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.table, Key: { accountId, itemKey: STATE }, ConsistentRead: true }),
    );
    if (!out.Item) return undefined;
    const { itemKey: _k, ...state } = out.Item;
    return state as PaperState;
  }

  async saveState(state: PaperState, expectedVersion: number): Promise<void> {
    await putVersioned(
      this.db,
      this.table,
      { ...state, itemKey: STATE },
      'itemKey',
      expectedVersion,
      `paper state of ${state.accountId}`,
    );
  }

  async putOrder(order: PaperOrder): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...order, itemKey: orderKey(order.clientOrderId) },
          ConditionExpression: 'attribute_not_exists(itemKey)',
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async getOrder(accountId: string, clientOrderId: string): Promise<PaperOrder | undefined> {
    const out = await this.db.send(
      new GetCommand({
        TableName: this.table,
        Key: { accountId, itemKey: orderKey(clientOrderId) },
        ConsistentRead: true,
      }),
    );
    return out.Item ? strip(out.Item) : undefined;
  }

  async updateOrder(order: PaperOrder): Promise<void> {
    await this.db.send(
      new PutCommand({ TableName: this.table, Item: { ...order, itemKey: orderKey(order.clientOrderId) } }),
    );
  }

  async listOpenOrders(accountId: string): Promise<PaperOrder[]> {
    const items = await queryAll<Record<string, unknown>>(this.db, {
      TableName: this.table,
      KeyConditionExpression: 'accountId = :a AND begins_with(itemKey, :o)',
      FilterExpression: '#s = :open',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: { ':a': accountId, ':o': 'o#', ':open': 'open' },
    });
    return items.map(strip);
  }

  async listUnappliedFills(accountId: string): Promise<PaperOrder[]> {
    const items = await queryAll<Record<string, unknown>>(this.db, {
      TableName: this.table,
      KeyConditionExpression: 'accountId = :a AND begins_with(itemKey, :o)',
      FilterExpression: '#s = :closed AND applied = :no',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: { ':a': accountId, ':o': 'o#', ':closed': 'closed', ':no': false },
    });
    return items.map(strip);
  }
}

function strip(item: Record<string, unknown>): PaperOrder {
  const { itemKey: _k, ...order } = item;
  return withDecimals(order as unknown as PaperOrder, ['fee']);
}
