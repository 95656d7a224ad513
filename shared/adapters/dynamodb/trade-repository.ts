import { GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConditionalConflictError } from '../../core/errors';
import type { TradeRecord } from '../../core/domain/trade';
import type { TradeRangeReader } from '../../core/performance/ports';
import type { TradeRepository } from '../../core/ports/repositories';
import { withDecimals } from './decimal-fields';
import { isConditionFailure } from './document-client';
import { queryAll } from './query-all';
import type { DynamoTableAccess } from './table-access';

/** Reads trades: the report, the bot and the console, which never book one. */
export class DynamoTradeReader implements Pick<TradeRepository, 'get' | 'listByAccount'>, TradeRangeReader {
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

  /**
   * The trades whose id is at or after `fromTradeId`, oldest first: ids start with the 13-digit
   * opening time, so this is "opened at or after" a moment, answered by the key alone.
   */
  async listSince(accountId: string, fromTradeId: string, limit: number): Promise<TradeRecord[]> {
    const items = await queryAll<TradeRecord>(
      this.db,
      {
        TableName: this.table,
        KeyConditionExpression: 'accountId = :a AND tradeId >= :t',
        ExpressionAttributeValues: { ':a': accountId, ':t': fromTradeId },
        ScanIndexForward: true,
        Limit: Math.min(limit, 1000),
      },
      limit,
    );
    return items.map(tradeOf);
  }

  /**
   * One page newest first: at most `limit` trades whose id is below `beforeTradeId` (all when
   * absent) and at or above `fromTradeId`, and whether more may follow. One Query: a page of 100
   * reads 100 items, not the account's history.
   */
  async listBefore(
    accountId: string,
    range: { beforeTradeId?: string; fromTradeId?: string },
    limit: number,
  ): Promise<{ items: TradeRecord[]; more: boolean }> {
    const conditions = [
      ...(range.beforeTradeId !== undefined && range.fromTradeId !== undefined ? ['tradeId BETWEEN :f AND :b'] : []),
      ...(range.beforeTradeId !== undefined && range.fromTradeId === undefined ? ['tradeId < :b'] : []),
      ...(range.beforeTradeId === undefined && range.fromTradeId !== undefined ? ['tradeId >= :f'] : []),
    ];
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: ['accountId = :a', ...conditions].join(' AND '),
        ExpressionAttributeValues: {
          ':a': accountId,
          ...(range.beforeTradeId !== undefined ? { ':b': range.beforeTradeId } : {}),
          ...(range.fromTradeId !== undefined ? { ':f': range.fromTradeId } : {}),
        },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    const items = ((out.Items ?? []) as TradeRecord[])
      // BETWEEN includes its upper bound; the page starts strictly below the cursor's trade
      .filter((t) => range.beforeTradeId === undefined || t.tradeId < range.beforeTradeId)
      .map(tradeOf);
    return { items, more: out.LastEvaluatedKey !== undefined };
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
