import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConditionalConflictError } from '../../core/errors';
import type { TradeRecord } from '../../core/domain/trade';
import type { TradeRepository } from '../../core/ports/repositories';
import { withDecimals } from './decimal-fields';
import { isConditionFailure } from './document-client';
import { queryAll } from './query-all';
import type { DynamoTableAccess } from './table-access';

/** Reads trades: the report and the bot, which never book one. */
export class DynamoTradeReader implements Pick<TradeRepository, 'get' | 'listByAccount'> {
  static readonly tableAccess: DynamoTableAccess = { table: 'trades', actions: ['dynamodb:GetItem', 'dynamodb:Query'] };

  constructor(
    protected readonly db: DynamoDBDocumentClient,
    protected readonly table: string,
  ) {}

  async get(accountId: string, tradeId: string): Promise<TradeRecord | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.table, Key: { accountId, tradeId }, ConsistentRead: true }),
    );
    return out.Item ? tradeOf(out.Item as TradeRecord) : undefined;
  }

  async listByAccount(accountId: string, limit = 200): Promise<TradeRecord[]> {
    // Trade ids start with the opening time, so the sort key orders them: newest first.
    const items = await queryAll<TradeRecord>(
      this.db,
      {
        TableName: this.table,
        KeyConditionExpression: 'accountId = :a',
        ExpressionAttributeValues: { ':a': accountId },
        ScanIndexForward: false,
        Limit: Math.min(limit, 1000),
      },
      limit,
    );
    return items.map(tradeOf);
  }
}

export class DynamoTradeRepository extends DynamoTradeReader implements TradeRepository {
  static override readonly tableAccess: DynamoTableAccess = {
    table: 'trades',
    actions: ['dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:Query'],
  };

  async put(trade: TradeRecord): Promise<void> {
    // Trades are derived state keyed by their opening order: rewriting the same content is harmless.
    await this.db.send(new PutCommand({ TableName: this.table, Item: trade }));
  }

  async replace(trade: TradeRecord, expectedUpdatedAt: number): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: trade,
          ConditionExpression: 'updatedAt = :u',
          ExpressionAttributeValues: { ':u': expectedUpdatedAt },
        }),
      );
    } catch (error) {
      if (isConditionFailure(error))
        throw new ConditionalConflictError(`trade ${trade.tradeId} changed since ${expectedUpdatedAt}`);
      throw error;
    }
  }
}

const tradeOf = (item: TradeRecord): TradeRecord =>
  withDecimals(item, ['fees', 'funding', 'realizedPnl', 'entryNotional', 'exitNotional']);
