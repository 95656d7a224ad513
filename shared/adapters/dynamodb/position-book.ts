import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConditionalConflictError } from '../../core/errors';
import type { BookPosition } from '../../core/domain/trade';
import type { PositionBook } from '../../core/ports/repositories';
import { isConditionFailure } from './document-client';
import { queryAll } from './query-all';

export class DynamoPositionBook implements PositionBook {
  constructor(private readonly db: DynamoDBDocumentClient, private readonly table: string) {}

  async get(accountId: string, symbol: string): Promise<BookPosition | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.table, Key: { accountId, symbol }, ConsistentRead: true }));
    return out.Item as BookPosition | undefined;
  }

  async list(accountId: string): Promise<BookPosition[]> {
    return queryAll<BookPosition>(this.db, { TableName: this.table, KeyConditionExpression: 'accountId = :a', ExpressionAttributeValues: { ':a': accountId } });
  }

  async save(position: BookPosition, expectedVersion: number): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: position,
          ...(expectedVersion === 0
            ? { ConditionExpression: 'attribute_not_exists(symbol)' }
            : { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': expectedVersion } }),
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) throw new ConditionalConflictError(`position ${position.symbol} changed since version ${expectedVersion}`);
      throw error;
    }
  }
}
