import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { BookPosition } from '../../core/domain/trade';
import type { PositionBook } from '../../core/ports/repositories';
import { putVersioned } from './document-client';
import { queryAll } from './query-all';
import type { DynamoTableAccess } from './table-access';

/** Reads the book: the functions that look at positions and never book one. */
export class DynamoPositionReader implements Pick<PositionBook, 'get' | 'list'> {
  static readonly tableAccess: DynamoTableAccess = {
    table: 'positions',
    actions: ['dynamodb:GetItem', 'dynamodb:Query'],
  };

  constructor(
    protected readonly db: DynamoDBDocumentClient,
    protected readonly table: string,
  ) {}

  async get(accountId: string, symbol: string): Promise<BookPosition | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.table, Key: { accountId, symbol }, ConsistentRead: true }),
    );
    return out.Item as BookPosition | undefined;
  }

  async list(accountId: string): Promise<BookPosition[]> {
    return queryAll<BookPosition>(this.db, {
      TableName: this.table,
      KeyConditionExpression: 'accountId = :a',
      ExpressionAttributeValues: { ':a': accountId },
    });
  }
}

export class DynamoPositionBook extends DynamoPositionReader implements PositionBook {
  /** a closed position stays as an item (versioned put): no UpdateItem, no DeleteItem */
  static override readonly tableAccess: DynamoTableAccess = {
    table: 'positions',
    actions: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem'],
  };

  async save(position: BookPosition, expectedVersion: number): Promise<void> {
    await putVersioned(this.db, this.table, { ...position }, 'symbol', expectedVersion, `position ${position.symbol}`);
  }
}
